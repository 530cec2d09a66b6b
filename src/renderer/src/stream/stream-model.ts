// Writes against reads: one connection's send() calls on one side against the recv() calls on the
// other, as byte ranges, in both directions, and one sentence of what happened ("3 writes arrived
// as 1 read"). Pure: the lab's events in, a picture out; what is words is a Said of the catalog
// `stream`, worded where it shows (StreamView.tsx).
//
// The two legs of a connection are the client's and the server's events: TCP (and HTTP) by the
// endpoint's connection number, UDP by the client's socket (its own port) and, at the server, by
// the peer it answered. A leg is paired with the other end's leg whose addresses are its own
// reversed (a server bound to 0.0.0.0 or :: agrees on its port), nearest in time where a 4-tuple
// was reused. A leg of a program outside the lab (python, nc) has no partner: its side is unseen.

import type { LabEvent, Proto, SockAddr } from '../../../shared/events'
import { said, type Said } from '../../../shared/i18n/said'

/** The two ends of a connection (a relay between them, if any, is neither: its legs are left out). */
export type End = 'client' | 'server'

/** One end's events on one connection. */
export interface Leg {
  endpoint: string
  role: End
  proto: Proto
  /** TCP/HTTP: the endpoint's connection number; 0 for UDP. */
  conn: number
  local?: SockAddr
  remote?: SockAddr
  events: LabEvent[]
}

/** A connection (TCP) or one client socket's datagrams (UDP), with the lab's legs at each end. */
export interface StreamConnection {
  id: string
  proto: Proto
  client?: Leg
  server?: Leg
  /** The newest send or recv of either leg (its seq), 0 if none. */
  lastData: number
}

/** One call's bytes on the direction's byte axis: [from, to). */
export interface Piece {
  from: number
  to: number
  /** The event (to select it in the packet log). */
  seq: number
  /** Its place among the side's calls, from 1. */
  n: number
  /** TCP read: bytes that arrived with this read beyond recv(size), left unread (drawn after it). */
  unread?: number
  /** UDP read: bytes of the datagram beyond recvfrom(size), lost (the last `cut` bytes of [from, to)). */
  cut?: number
}

export interface Direction {
  from: End
  to: End
  /** The writer's send() calls; undefined when the writer is not one of the lab's programs. */
  writes?: Piece[]
  /** The reader's recv() calls; undefined when the reader is not one of the lab's programs. */
  reads?: Piece[]
  /** The byte axis' length: what was written or read, whichever is more (unread bytes included). */
  total: number
  caption: Said
}

export interface StreamPicture {
  connection: StreamConnection
  directions: [Direction, Direction]
}

const WILDCARDS = new Set(['0.0.0.0', '::'])
const DATA_KINDS = new Set<LabEvent['kind']>(['send', 'recv'])

/** An IPv4 peer of a dual-stack server shows as ::ffff:127.0.0.1: the same address. */
const plain = (address: string): string => address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
const same = (a: SockAddr | undefined, b: SockAddr | undefined): boolean => !!a && !!b && a.port === b.port && plain(a.address) === plain(b.address)
/** `mine` may be a server's wildcard address, which agrees with any address on its port. */
const agrees = (mine: SockAddr | undefined, seen: SockAddr | undefined): boolean => !!mine && !!seen && mine.port === seen.port && (WILDCARDS.has(mine.address) || plain(mine.address) === plain(seen.address))

/** Each endpoint's legs, in the order of their first event. */
export function legsOf(events: readonly LabEvent[]): Leg[] {
  const byKey = new Map<string, Leg>()
  for (const e of events) {
    if (e.kind === 'console' || e.kind === 'listen' || e.kind === 'bind' || !e.remote) continue
    if (e.role !== 'client' && e.role !== 'server') continue
    const udp = e.proto === 'UDP'
    if (!udp && e.conn === 0) continue
    // A UDP client sends each sentence from a socket of its own (its own port); the server tells its peers apart by their address.
    const key = !udp ? `${e.endpoint}#${e.conn}` : e.role === 'client' ? `${e.endpoint}@${e.local?.port ?? '?'}` : `${e.endpoint}@${plain(e.remote.address)}#${e.remote.port}`
    let leg = byKey.get(key)
    if (!leg) {
      leg = { endpoint: e.endpoint, role: e.role as End, proto: e.proto, conn: udp ? 0 : e.conn, local: e.local, remote: e.remote, events: [] }
      byKey.set(key, leg)
    }
    leg.local ??= e.local
    leg.events.push(e)
  }
  return [...byKey.values()]
}

const lastDataOf = (leg: Leg | undefined): number => leg?.events.findLast((e) => DATA_KINDS.has(e.kind))?.seq ?? 0
const legId = (leg: Leg): string => `${leg.endpoint}#${leg.conn}@${leg.local?.port ?? ''}>${leg.remote?.port ?? ''}`

/** Whether a client's leg and a server's leg are the two ends of one connection (or exchange). */
function ends(client: Leg, server: Leg): boolean {
  if ((client.proto === 'UDP') !== (server.proto === 'UDP')) return false
  return same(client.local, server.remote) && agrees(server.local, client.remote)
}

/** Every connection the events show, the client's and the server's legs paired; oldest first. */
export function streamConnections(events: readonly LabEvent[]): StreamConnection[] {
  const legs = legsOf(events)
  const servers = legs.filter((l) => l.role === 'server')
  const taken = new Set<Leg>()
  const out: StreamConnection[] = []
  for (const leg of legs) {
    if (leg.role !== 'client') continue
    const first = leg.events[0].seq
    // A 4-tuple reused after a close: the server leg whose first event is nearest the client's.
    let best: Leg | undefined
    for (const s of servers) {
      if (taken.has(s) || !ends(leg, s)) continue
      if (!best || Math.abs(s.events[0].seq - first) < Math.abs(best.events[0].seq - first)) best = s
    }
    if (best) taken.add(best)
    out.push({ id: legId(leg), proto: leg.proto, client: leg, server: best, lastData: Math.max(lastDataOf(leg), lastDataOf(best)) })
  }
  for (const s of servers) if (!taken.has(s)) out.push({ id: legId(s), proto: s.proto, server: s, lastData: lastDataOf(s) })
  return out.sort((a, b) => firstSeq(a) - firstSeq(b))
}

const firstSeq = (c: StreamConnection): number => Math.min(c.client?.events[0].seq ?? Infinity, c.server?.events[0].seq ?? Infinity)

/**
 * The connection to draw: the one the selected event belongs to, else the one with the newest bytes.
 * Undefined while no connection has carried a byte (and the selected event is none of one's).
 */
export function chooseConnection(connections: readonly StreamConnection[], selected?: number): StreamConnection | undefined {
  if (selected !== undefined) {
    const held = connections.find((c) => [c.client, c.server].some((leg) => leg?.events.some((e) => e.seq === selected)))
    if (held) return held
  }
  let newest: StreamConnection | undefined
  for (const c of connections) if (c.lastData > 0 && (!newest || c.lastData > newest.lastData)) newest = c
  return newest
}

const other = (r: End): End => (r === 'client' ? 'server' : 'client')

/** The side's send() (or recv()) calls that carried bytes, laid end to end. */
function tcpPieces(leg: Leg | undefined, kind: 'send' | 'recv'): Piece[] | undefined {
  if (!leg) return undefined
  let offset = 0
  const pieces: Piece[] = []
  for (const e of leg.events) {
    if (e.kind !== kind || e.length === 0) continue
    const unread = e.kind === 'recv' && e.detail.what === 'stream' && e.detail.leftover > 0 ? e.detail.leftover : undefined
    pieces.push({ from: offset, to: (offset += e.length), seq: e.seq, n: pieces.length + 1, ...(unread !== undefined && { unread }) })
  }
  return pieces
}

/** UDP: each datagram on the axis, and each read under the datagram it received (same length, in order); a lost one has none. */
function datagramPieces(writer: Leg | undefined, reader: Leg | undefined): { writes?: Piece[]; reads?: Piece[] } {
  const sent = writer?.events.filter((e) => e.kind === 'send') ?? []
  const got = reader?.events.filter((e) => e.kind === 'recv') ?? []
  let offset = 0
  const writes: Piece[] = sent.map((e, i) => ({ from: offset, to: (offset += e.length), seq: e.seq, n: i + 1 }))
  const reads: Piece[] = []
  let next = 0
  for (const [i, e] of got.entries()) {
    const kept = e.kind === 'recv' && e.detail.what === 'datagram' ? (e.detail.truncatedTo ?? e.length) : e.length
    const cut = e.length - kept > 0 ? e.length - kept : undefined
    // Without the sender's events, datagrams are laid end to end as they came.
    const k = writer ? writes.findIndex((w, j) => j >= next && w.to - w.from === e.length) : -1
    const from = k >= 0 ? writes[k].from : Math.max(offset, reads.at(-1)?.to ?? 0)
    if (k >= 0) next = k + 1
    else offset = from + e.length
    reads.push({ from, to: from + e.length, seq: e.seq, n: i + 1, ...(cut !== undefined && { cut }) })
  }
  return { writes: writer && writes, reads: reader && reads }
}

/** The recv size the reads asked for (the last one's), if they say. */
function recvSizeOf(leg: Leg | undefined): number | undefined {
  const e = leg?.events.findLast((x) => x.kind === 'recv')
  return e?.kind === 'recv' && e.detail.what !== undefined && 'recvSize' in e.detail ? e.detail.recvSize : undefined
}

const count = (key: 'stream:n.writes' | 'stream:n.reads' | 'stream:n.datagrams', n: number): Said => said(key, { count: n })

/** What happened to the bytes of one direction, in one sentence. */
export function captionOf(proto: Proto, writes: Piece[] | undefined, reads: Piece[] | undefined, recvSize: number | undefined): Said {
  const w = writes?.length ?? 0
  const r = reads?.length ?? 0
  if (w === 0 && r === 0) return said('stream:caption.nothing')
  if (!reads) return said('stream:caption.readerUnseen', { writes: count(proto === 'UDP' ? 'stream:n.datagrams' : 'stream:n.writes', w) })
  if (!writes) return said('stream:caption.writerUnseen', { reads: count('stream:n.reads', r) })
  if (r === 0) return said('stream:caption.notRead', { count: w })
  if (proto === 'UDP') {
    const cut = reads.filter((p) => p.cut !== undefined)
    const lost = w - r
    if (cut.length === 1 && r === 1 && w === 1) {
      const p = cut[0]
      return said('stream:caption.udpOneCut', { length: p.to - p.from, kept: p.to - p.from - p.cut!, size: recvSize ?? p.to - p.from - p.cut!, count: p.cut! })
    }
    if (cut.length > 0)
      return said('stream:caption.udpCut', { datagrams: count('stream:n.datagrams', r), cut: count('stream:n.datagrams', cut.length), size: recvSize ?? 0, count: cut.reduce((n, p) => n + p.cut!, 0) })
    if (lost > 0) return said('stream:caption.udpLost', { datagrams: count('stream:n.datagrams', w), count: lost })
    return said('stream:caption.udpWhole', { count: r })
  }
  const unread = reads.reduce((n, p) => n + (p.unread ?? 0), 0)
  const written = writes.at(-1)?.to ?? 0
  let line: Said
  if (w === 1 && r > 1) line = said('stream:caption.split', { bytes: written, reads: said('stream:n.readsOf', { count: r, size: recvSize ?? reads[0].to - reads[0].from }) })
  else line = said('stream:caption.arrived', { count: w, reads: count('stream:n.reads', r) })
  return unread > 0 ? said('stream:caption.withUnread', { line, count: unread }) : line
}

function direction(c: StreamConnection, from: End): Direction {
  const to = other(from)
  const writer = c[from]
  const reader = c[to]
  const { writes, reads } = c.proto === 'UDP' ? datagramPieces(writer, reader) : { writes: tcpPieces(writer, 'send'), reads: tcpPieces(reader, 'recv') }
  const end = (p: Piece): number => p.to + (p.unread ?? 0)
  const total = Math.max(0, ...(writes ?? []).map(end), ...(reads ?? []).map(end))
  return { from, to, writes, reads, total, caption: captionOf(c.proto, writes, reads, recvSizeOf(reader)) }
}

/** Both directions of the connection: the client's writes against the server's reads, and back. */
export function streamPicture(c: StreamConnection): StreamPicture {
  return { connection: c, directions: [direction(c, 'client'), direction(c, 'server')] }
}
