// The ladder of one conversation: its packets and the socket calls of the lab's two ends, on one
// time axis. Pure: packets, events and the lab's time zero in; rows in order out. What is words is
// a Said of the catalog `wire` (ladder.*), which the Ladder words; flags and numbers are data.
//
// Rows go down in time: a call is stamped when the program makes it (send() and close() before
// the packet they put on the wire; connect(), accept() and recv() when they return, after the
// packet they took in), and the lab's time zero is measured against the capture's clock
// (CaptureStatus.labZeroBound). Only where a call and a packet bear the same µs does what the
// matcher knows decide: a call before the packet it sent, after the packet it read.

import type { LabEvent, Role, Side, SockAddr } from '../../../shared/events'
import { relayLadder, relayLegs, type OtherConversations } from './relay-ladder'
import { formatSockAddr } from '../../../shared/events'
import { matchConnections } from '../../../shared/match-connections'
import type { ConnectionMatch, Conversation, PacketCalls, WirePacket } from '../../../shared/wire'
import { flagsText, roleSaid, stepSaid } from '../../../shared/wire'
import { said, type Said } from '../../../shared/i18n/said'
import { eventWords } from '../../../shared/event-words'
import { windowT } from '../i18n/window-t'

/** `time` is what the row prints and places it (the packet's or the call's own, in µs since the epoch); `tie` orders equal times. */
export type LadderRow =
  | { kind: 'packet'; time: number; tie: number; packet: WirePacket; from: Role; to: Role; label: string | Said; words?: Said; calls?: PacketCalls }
  /** `label`: a Said, or the call's own name (`close()`) or the event's info, as they are. */
  | { kind: 'call'; time: number; tie: number; event: LabEvent; side: Role; label: string | Said }

export interface Ladder {
  conversation: Conversation
  rows: LadderRow[]
  /** The lab endpoints at each end, when they are the lab's own. */
  ends: Partial<Record<Role, ConnectionMatch>>
  /** The vertical lines, left to right: client and server, or client, relay and server when the lab's relay is between them (relay-ladder.ts). */
  columns: Role[]
  /** The address each line stands for. */
  addresses: Partial<Record<Role, SockAddr>>
}

/** The arrow's label: flags and numbers, as the wire view shows them (data); a datagram in words. */
export function packetLabel(p: WirePacket): string | Said {
  if (p.proto === 'UDP') return said('wire:ladder.datagram', { count: p.length })
  const parts = [flagsText(p.flags), `seq=${p.seq ?? '?'}`]
  if (p.flags.includes('ACK')) parts.push(`ack=${p.ack ?? '?'}`)
  if (p.length > 0) parts.push(`len=${p.length}`)
  return parts.join(' ')
}

/** What a socket call did, in the words of the course's programs. */
export function callLabel(e: LabEvent): string | Said {
  const udp = e.proto === 'UDP'
  const count = e.length
  switch (e.kind) {
    case 'connect':
      return said('wire:ladder.call.connect')
    case 'queued':
      return said('wire:ladder.call.queued')
    case 'accept':
      return said('wire:ladder.call.accept')
    case 'send':
      return udp ? said('wire:ladder.call.sendto', { count }) : said('wire:ladder.call.send', { count })
    case 'recv':
      if (udp) return said('wire:ladder.call.recvfrom', { count })
      return e.length === 0 ? said('wire:ladder.call.recvEnd') : said('wire:ladder.call.recv', { count })
    case 'close':
      if (!e.detail.reset) return 'close()'
      return e.detail.reset.atLeast ? said('wire:ladder.call.closeUnreadAtLeast', { count: e.detail.reset.unread }) : said('wire:ladder.call.closeUnread', { count: e.detail.reset.unread })
    case 'reset':
      return said('wire:ladder.call.reset')
    case 'drop':
      return said('relay:ladder.drop', { seed: e.detail.seed })
    case 'duplicate':
      return said('relay:ladder.duplicate')
    case 'delay':
      return said('relay:ladder.delay', { delay: e.detail.delayMs })
    default:
      return eventWords(e, windowT())
  }
}

const SHOWN_KINDS = new Set<LabEvent['kind']>(['connect', 'queued', 'accept', 'send', 'recv', 'close', 'reset', 'error'])

const sameAddr = (a: SockAddr | undefined, b: SockAddr): boolean => !!a && a.port === b.port && (a.address === b.address || a.address === '0.0.0.0' || a.address === '::')

/** The events of one end of the conversation: its connection's (TCP), or its datagrams with the other end (UDP). */
export function eventsOf(m: ConnectionMatch, v: Conversation, events: readonly LabEvent[]): LabEvent[] {
  const peer = m.role === 'client' ? v.server : v.client
  return events.filter((e) => e.endpoint === m.endpoint && SHOWN_KINDS.has(e.kind) && (v.proto === 'TCP' ? e.conn === m.conn : sameAddr(e.remote, peer)))
}

/**
 * @param packets the conversation's packets, oldest first
 * @param events the lab's events (those of other endpoints are passed over)
 * @param labZero LabEvent.time 0 in µs since the epoch
 */
export function buildLadder(conversation: Conversation, packets: readonly WirePacket[], events: readonly LabEvent[], labZero: number, others?: OtherConversations): Ladder {
  const candidates = events.filter((e) => e.local && e.remote && e.kind !== 'console')
  const match = matchConnections(packets, [conversation], candidates, labZero)
  const ends: Ladder['ends'] = {}
  for (const m of match.connections) ends[m.role] ??= m
  // The lab's relay at one end: both its legs, on three lines.
  const legs = others && relayLegs(conversation, ends, others.conversations, events)
  if (legs && others) return relayLadder(legs, others, events, candidates, labZero)
  const rows: LadderRow[] = packetRows(conversation, packets, match.calls, { client: 'client', server: 'server' })
  // The calls that put a packet on the wire: at the same µs as a packet, they go above it.
  const senders = new Set<number>()
  for (const p of packets) {
    const calls = match.calls.get(p.no)
    // connect() sends the SYN but its event is its return, after the SYN-ACK.
    if (calls?.sentBy !== undefined) senders.add(calls.sentBy)
  }
  for (const side of ['client', 'server'] as const) {
    const m = ends[side]
    if (!m) continue
    for (const e of eventsOf(m, conversation, events)) {
      const tie = e.kind !== 'connect' && senders.has(e.seq) ? -1 : 1
      rows.push({ kind: 'call', time: labZero + e.time, tie, event: e, side, label: callLabel(e) })
    }
  }
  // Equal times and ties keep the order they were pushed in (packets first, then each side's calls in seq order).
  rows.sort((x, y) => x.time - y.time || x.tie - y.tie)
  return { conversation, rows, ends, columns: ['client', 'server'], addresses: { client: conversation.client, server: conversation.server } }
}

/** One conversation's packets as rows, each from the line its sender stands on to the other's (`lines`: which line each end of it is). */
export function packetRows(v: Conversation, packets: readonly WirePacket[], calls: Map<number, PacketCalls>, lines: Record<Side, Role>): LadderRow[] {
  return packets.map((p) => {
    const sender: Side = p.sender ?? (p.src.port === v.client.port && p.src.address === v.client.address ? 'client' : 'server')
    return { kind: 'packet', time: p.time, tie: 0, packet: p, from: lines[sender], to: lines[sender === 'client' ? 'server' : 'client'], label: packetLabel(p), words: stepSaid(p), calls: calls.get(p.no) }
  })
}

/** The conversation an event of the packet log belongs to (its connection, or its datagram's exchange), if captured. */
export function conversationOfEvent(e: LabEvent, conversations: readonly Conversation[], labZero: number): string | undefined {
  if (!e.local || !e.remote || e.kind === 'console') return undefined
  return matchConnections([], conversations, [e], labZero).connections[0]?.conversation
}

/**
 * The name of each conversation in the ladder's picker, numbered from 1 as the packet log numbers
 * connections ("connection 1" of the lab's server, else of its client), not from tshark's stream 0.
 */
export function conversationNames(conversations: readonly Conversation[], events: readonly LabEvent[], labZero: number): Map<string, Said> {
  const candidates = events.filter((e) => e.local && e.remote && e.kind !== 'console')
  const number = new Map<string, number>()
  for (const m of matchConnections([], conversations, candidates, labZero).connections) {
    if (m.conn > 0 && (m.role === 'server' || !number.has(m.conversation))) number.set(m.conversation, m.conn)
  }
  return new Map(conversations.map((c) => [c.id, conversationName(c, number.get(c.id) ?? Number(c.id.split(' ')[1]) + 1)]))
}

export function conversationName(c: Conversation, n: number): Said {
  const ends = { n, client: formatSockAddr(c.client), server: formatSockAddr(c.server) }
  return c.proto === 'TCP' ? said('wire:ladder.tcpConnection', ends) : said('wire:ladder.udpExchange', ends)
}

/** The sides whose socket calls the ladder shows: only the lab's own ends have calls. */
export function callSides(l: Ladder): Side[] {
  return (['client', 'server'] as const).filter((side) => l.rows.some((r) => r.kind === 'call' && r.side === side))
}

/**
 * How far the calls' times may be off the packets', said of the calls the ladder shows: both
 * sides', one side's (the lab's client against a program of the student's own), or none, when
 * there is nothing to align (undefined). `short` is for a narrow bar.
 */
export function alignmentWords(bound: number | undefined, sides: readonly Side[]): { words: Said; short: Said } | undefined {
  if (sides.length === 0) return undefined
  // One side's: as short as both sides' words, so that the packet count beside them still reads whole at 200%.
  const one = sides.length === 1 ? sides[0] : undefined
  if (bound === undefined) return { words: one ? said('wire:ladder.align.uncheckedOne', { side: roleSaid(one) }) : said('wire:ladder.align.unchecked'), short: said('wire:ladder.align.uncheckedShort') }
  return one
    ? { words: said('wire:ladder.align.alignedOne', { side: roleSaid(one), bound }), short: said('wire:ladder.align.alignedOneShort', { side: roleSaid(one), bound }) }
    : { words: said('wire:ladder.align.aligned', { bound }), short: said('wire:ladder.align.alignedShort', { bound }) }
}
