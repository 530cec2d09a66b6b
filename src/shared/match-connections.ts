// Which captured conversations are the lab's own connections, and which socket call each packet
// belongs to. Pure: packets and conversations from the capture, LabEvents from the lab, and the
// one number that relates their clocks.
//
// A conversation is one of an endpoint's connections when their 4-tuples agree (a server bound to
// 0.0.0.0 or :: agrees on its port) and, the same 4-tuple being reused after a close, when the
// connection's first event falls nearest the conversation's time span. Within a matched TCP
// connection, bytes are matched exactly by their offset in the stream: the segment with relative
// seq s carries byte s-1, which the n-th send() wrote and the m-th recv() read.

import type { LabEvent, Role, Side, SockAddr } from './events'
import type { ConnectionMatch, Conversation, PacketCalls, WireMatch, WirePacket, WireProto } from './wire'

/** How far (µs) a connection's first event may lie outside its conversation's span: clocks differ a little. */
export const MATCH_SLACK_US = 2_000_000

interface EngineConnection {
  endpoint: string
  role: Role
  proto: WireProto
  conn: number
  local: SockAddr
  remote: SockAddr
  firstTime: number
  events: LabEvent[]
}

const WILDCARDS = new Set(['0.0.0.0', '::'])

function sameAddress(wire: SockAddr, engine: SockAddr): boolean {
  return wire.port === engine.port && (WILDCARDS.has(engine.address) || wire.address.toLowerCase() === engine.address.toLowerCase())
}

/** The lab's connections: TCP and HTTP by endpoint and connection number, UDP by endpoint and peer. */
function engineConnections(events: readonly LabEvent[]): EngineConnection[] {
  const byKey = new Map<string, EngineConnection>()
  for (const e of events) {
    if (!e.local || !e.remote || e.kind === 'console' || e.kind === 'listen') continue
    const proto: WireProto = e.proto === 'UDP' ? 'UDP' : 'TCP'
    if (proto === 'TCP' && e.conn === 0) continue
    const key = proto === 'TCP' ? `${e.endpoint}#${e.conn}` : `${e.endpoint}#${e.remote.address}#${e.remote.port}`
    let c = byKey.get(key)
    if (!c) {
      c = { endpoint: e.endpoint, role: e.role, proto, conn: e.conn, local: e.local, remote: e.remote, firstTime: e.time, events: [] }
      byKey.set(key, c)
    }
    c.events.push(e)
  }
  return [...byKey.values()]
}

/** Which end of the conversation the engine connection is, or null when the 4-tuples differ. */
function endOf(c: EngineConnection, v: Conversation): Side | null {
  if (c.proto !== v.proto) return null
  if (sameAddress(v.client, c.local) && sameAddress(v.server, c.remote)) return 'client'
  if (sameAddress(v.server, c.local) && sameAddress(v.client, c.remote)) return 'server'
  return null
}

function distance(time: number, v: Conversation): number {
  if (time < v.firstTime) return v.firstTime - time
  if (time > v.lastTime) return time - v.lastTime
  return 0
}

/**
 * @param labZero the lab's time 0 (LabEvent.time) in microseconds since the epoch, the packets' clock.
 */
export function matchConnections(packets: readonly WirePacket[], conversations: readonly Conversation[], events: readonly LabEvent[], labZero: number): WireMatch {
  const connections: ConnectionMatch[] = []
  const calls = new Map<number, PacketCalls>()
  const sides = new Map<string, { client?: EngineConnection; server?: EngineConnection }>()
  for (const c of engineConnections(events)) {
    const at = labZero + c.firstTime
    let best: { v: Conversation; role: Side; d: number } | undefined
    for (const v of conversations) {
      const role = endOf(c, v)
      if (!role) continue
      const d = distance(at, v)
      if (d <= MATCH_SLACK_US && (!best || d < best.d)) best = { v, role, d }
    }
    if (!best) continue
    connections.push({ conversation: best.v.id, endpoint: c.endpoint, conn: c.conn, role: best.role })
    const s = sides.get(best.v.id) ?? {}
    s[best.role] = c
    sides.set(best.v.id, s)
  }
  const byConversation = new Map<string, WirePacket[]>()
  for (const p of packets) {
    if (!sides.has(p.conversation)) continue
    const list = byConversation.get(p.conversation) ?? []
    list.push(p)
    byConversation.set(p.conversation, list)
  }
  for (const [id, list] of byConversation) {
    const v = conversations.find((c) => c.id === id)!
    const link = v.proto === 'TCP' ? linkSegments : linkDatagrams
    link(list, v, sides.get(id)!, calls)
  }
  return { connections, calls }
}

type Sides = { client?: EngineConnection; server?: EngineConnection }
const other = (r: Side): Side => (r === 'client' ? 'server' : 'client')

function set(calls: Map<number, PacketCalls>, no: number, key: keyof PacketCalls, seq: number | undefined): void {
  if (seq === undefined) return
  const entry = calls.get(no) ?? {}
  entry[key] = seq
  calls.set(no, entry)
}

/** Stream offsets [from, to) of each send (or recv) call of one side, in order. */
function byteRanges(c: EngineConnection | undefined, kind: 'send' | 'recv'): { from: number; to: number; seq: number }[] {
  let offset = 0
  return (c?.events ?? [])
    .filter((e) => e.kind === kind && e.length > 0)
    .map((e) => ({ from: offset, to: (offset += e.length), seq: e.seq }))
}

const callAt = (ranges: { from: number; to: number; seq: number }[], offset: number): number | undefined => ranges.find((r) => offset >= r.from && offset < r.to)?.seq
const first = (c: EngineConnection | undefined, kind: LabEvent['kind']): number | undefined => c?.events.find((e) => e.kind === kind)?.seq

function linkSegments(packets: WirePacket[], v: Conversation, sides: Sides, calls: Map<number, PacketCalls>): void {
  const sends = { client: byteRanges(sides.client, 'send'), server: byteRanges(sides.server, 'send') }
  const reads = { client: byteRanges(sides.client, 'recv'), server: byteRanges(sides.server, 'recv') }
  for (const p of packets) {
    const from = p.sender
    if (!from) continue
    const to = other(from)
    if (p.step === 'handshake-1') set(calls, p.no, 'sentBy', first(sides.client, 'connect'))
    else if (p.step === 'handshake-2') set(calls, p.no, 'readBy', first(sides.client, 'connect'))
    else if (p.step === 'handshake-3') set(calls, p.no, 'readBy', first(sides.server, 'accept'))
    else if (p.step === 'client-close' || p.step === 'server-close') set(calls, p.no, 'sentBy', first(sides[from], 'close'))
    else if (p.step === 'reset') set(calls, p.no, 'readBy', first(sides[to], 'reset'))
    // Offsets are exact only when the SYN was captured (tshark counts from it).
    if (p.length > 0 && v.sawStart && p.seq !== undefined) {
      set(calls, p.no, 'sentBy', callAt(sends[from], p.seq - 1))
      set(calls, p.no, 'readBy', callAt(reads[to], p.seq - 1))
    }
  }
}

/** Datagrams of each direction, in order, paired with the sender's sends and the receiver's recvs of the same length. */
function linkDatagrams(packets: WirePacket[], _v: Conversation, sides: Sides, calls: Map<number, PacketCalls>): void {
  for (const from of ['client', 'server'] as const) {
    const mine = packets.filter((p) => p.sender === from)
    pairInOrder(mine, sides[from]?.events.filter((e) => e.kind === 'send') ?? [], (p, e) => set(calls, p.no, 'sentBy', e.seq))
    pairInOrder(mine, sides[other(from)]?.events.filter((e) => e.kind === 'recv') ?? [], (p, e) => set(calls, p.no, 'readBy', e.seq))
  }
}

/** Walks both lists in order; a datagram without a call of its length (lost, or sent before the lab saw it) is passed over. */
function pairInOrder(packets: WirePacket[], events: LabEvent[], pair: (p: WirePacket, e: LabEvent) => void): void {
  let j = 0
  for (const p of packets) {
    const k = events.findIndex((e, i) => i >= j && e.length === p.length)
    if (k < 0) continue
    pair(p, events[k])
    j = k + 1
  }
}
