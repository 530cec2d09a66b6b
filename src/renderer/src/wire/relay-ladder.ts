// The Ladder with the lab's relay between client and server: three lines (client | relay |
// server), each packet on its leg (client ↔ relay, relay ↔ server), the relay's forwarding and
// what it did to each datagram or read (dropped, sent twice, held) on its own line.

import { ENDPOINT_KINDS, kindOfId } from '../../../shared/endpoint-kinds'
import type { LabEvent, Role, SockAddr } from '../../../shared/events'
import { matchConnections } from '../../../shared/match-connections'
import type { Conversation, WirePacket } from '../../../shared/wire'
import { callLabel, eventsOf, packetRows, type Ladder, type LadderRow } from './ladder-model'

/** The other captured conversations, for a ladder that has a relay between client and server. */
export interface OtherConversations {
  conversations: readonly Conversation[]
  packetsOf: (id: string) => readonly WirePacket[]
}

export interface RelayLegs {
  /** client ↔ relay */
  toRelay: Conversation
  /** relay ↔ server */
  toServer: Conversation
  relay: string
  /** The relay's flow: a client address (UDP) or a connection (TCP). */
  flow: number
  /** The relay's own port towards the server, for this flow. */
  upstreamPort: number
}

const WILDCARD = new Set(['0.0.0.0', '::'])
const bare = (a: string): string => a.replace(/^::ffff:/i, '').toLowerCase()
const samePlace = (a: SockAddr, b: SockAddr): boolean => a.port === b.port && (bare(a.address) === bare(b.address) || WILDCARD.has(a.address) || WILDCARD.has(b.address))

const isRelay = (id: string): boolean => {
  const kind = kindOfId(id)
  return kind !== undefined && ENDPOINT_KINDS[kind].role === 'relay'
}

/**
 * When the lab's relay is one end of `v`, the two legs of the flow `v` belongs to: the client's
 * conversation with the relay and the relay's with the server, tied by the relay's flow-open event
 * (the client's address, and the relay's own address towards the server).
 */
export function relayLegs(v: Conversation, ends: Ladder['ends'], conversations: readonly Conversation[], events: readonly LabEvent[]): RelayLegs | undefined {
  const asServer = ends.server && isRelay(ends.server.endpoint) ? ends.server.endpoint : undefined
  const asClient = ends.client && isRelay(ends.client.endpoint) ? ends.client.endpoint : undefined
  const relay = asServer ?? asClient
  if (!relay) return undefined
  let target: SockAddr | undefined
  let local: SockAddr | undefined
  const flows: { flow: number; client: SockAddr; upstream?: SockAddr }[] = []
  for (const e of events) {
    if (e.endpoint !== relay || e.kind !== 'relay') continue
    if (e.detail.what === 'listening') {
      target = e.detail.target
      local = e.local
    } else if (e.detail.what === 'flow-open') flows.push(e.detail)
  }
  if (!target || !local) return undefined
  const listen = local
  const server = target
  // The newest flow of that client address (or of that upstream port): a port is reused only later.
  const flow = asServer ? flows.findLast((f) => samePlace(f.client, v.client)) : flows.findLast((f) => f.upstream?.port === v.client.port)
  const upstream = flow?.upstream
  if (!flow || !upstream) return undefined
  const same = (c: Conversation): boolean => c.proto === v.proto
  const toRelay = asServer ? v : conversations.findLast((c) => same(c) && samePlace(c.client, flow.client) && c.server.port === listen.port)
  const toServer = asClient ? v : conversations.findLast((c) => same(c) && c.client.port === upstream.port && samePlace(c.server, server))
  if (!toRelay || !toServer) return undefined
  return { toRelay, toServer, relay, flow: flow.flow, upstreamPort: upstream.port }
}

const RELAY_KINDS = new Set<LabEvent['kind']>(['send', 'recv', 'drop', 'duplicate', 'delay'])

/** Three lines: client | relay | server. */
export function relayLadder(legs: RelayLegs, others: OtherConversations, events: readonly LabEvent[], candidates: readonly LabEvent[], labZero: number): Ladder {
  const { toRelay, toServer } = legs
  const packetsA = others.packetsOf(toRelay.id)
  const packetsB = others.packetsOf(toServer.id)
  const matchA = matchConnections(packetsA, [toRelay], candidates, labZero)
  const matchB = matchConnections(packetsB, [toServer], candidates, labZero)
  const ends: Ladder['ends'] = {}
  for (const m of matchA.connections) if (m.role === 'client') ends.client ??= m
  for (const m of matchB.connections) if (m.role === 'server') ends.server ??= m
  const relayEnd = matchA.connections.find((m) => m.role === 'server')
  if (relayEnd) ends.relay = relayEnd
  const calls = new Map([...matchA.calls, ...matchB.calls])
  const rows: LadderRow[] = [...packetRows(toRelay, packetsA, calls, { client: 'client', server: 'relay' }), ...packetRows(toServer, packetsB, calls, { client: 'relay', server: 'server' })]
  const senders = new Set<number>()
  for (const c of calls.values()) if (c.sentBy !== undefined) senders.add(c.sentBy)
  const push = (e: LabEvent, side: Role): void => {
    rows.push({ kind: 'call', time: labZero + e.time, tie: e.kind !== 'connect' && senders.has(e.seq) ? -1 : 1, event: e, side, label: callLabel(e) })
  }
  if (ends.client) for (const e of eventsOf(ends.client, toRelay, events)) push(e, 'client')
  if (ends.server) for (const e of eventsOf(ends.server, toServer, events)) push(e, 'server')
  const tcp = toRelay.proto === 'TCP'
  for (const e of events) {
    if (e.endpoint !== legs.relay || !RELAY_KINDS.has(e.kind)) continue
    let mine: boolean
    if (e.kind === 'drop' || e.kind === 'duplicate' || e.kind === 'delay') mine = e.detail.flow === legs.flow
    else if (tcp) mine = e.conn === legs.flow
    else mine = (!!e.remote && samePlace(e.remote, toRelay.client)) || e.local?.port === legs.upstreamPort
    if (mine) push(e, 'relay')
  }
  rows.sort((x, y) => x.time - y.time || x.tie - y.tie)
  return { conversation: toRelay, rows, ends, columns: ['client', 'relay', 'server'], addresses: { client: toRelay.client, relay: toRelay.server, server: toServer.server } }
}
