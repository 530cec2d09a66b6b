// What a relay is told (its config) and what it reports (typed records and counters). No words:
// whoever prints renders a record through the `relay` catalog.

import type { SockAddr } from '../../shared/events'

/** client→server or server→client. */
export type Direction = 'c2s' | 's2c'
export const DIRECTIONS: readonly Direction[] = ['c2s', 's2c']
/** Which way an impairment acts: one direction, or both. */
export type DirectionChoice = Direction | 'both'

/**
 * What a relay does to what crosses it in one direction. UDP uses loss, duplicate, reorder, delay
 * and jitter per datagram; TCP uses delay and jitter per read, rate, slice, limit and resetAfter
 * (a TCP relay cannot lose, duplicate or reorder: the kernels retransmit and reorder for it).
 */
export interface Impairments {
  /** UDP: per cent of datagrams dropped. */
  loss?: number
  /** UDP: per cent of datagrams sent twice. */
  duplicate?: number
  /** UDP: per cent of datagrams held back until the next one of the same flow and direction has gone (or reorderHoldMs passed). */
  reorder?: number
  /** Milliseconds each datagram (UDP) or each read (TCP) is held before it is forwarded. */
  delay?: number
  /** ± milliseconds drawn uniformly around delay. UDP datagrams may then overtake each other (as with netem); TCP keeps its order. */
  jitter?: number
  /** TCP: KB/s (1 KB = 1000 bytes) at most. */
  rate?: number
  /** TCP: cut the stream into writes of at most this many bytes. */
  slice?: number
  /** TCP: milliseconds between two slices of one read. */
  sliceDelay?: number
  /** TCP: close the connection once this many bytes went this way. */
  limit?: number
  /** TCP: reset the connection this many ms after it was accepted (RST to the peer this direction goes to). */
  resetAfter?: number
}

export interface RelayConfig {
  proto: 'tcp' | 'udp'
  /** Where clients reach the relay. Port 0 takes any free port. */
  listen: { address: string; port: number }
  /** The server, as an IP literal or a host name (resolved once, at start). */
  target: { host: string; port: number }
  c2s?: Impairments
  s2c?: Impairments
  /** The same seed makes the same decisions; without one a random seed is drawn and reported. */
  seed?: number
  /** UDP: at most this many client addresses at once, each with its own socket to the server; the least recently used goes. */
  maxFlows?: number
  /** UDP: a client address silent both ways this long loses its socket to the server. */
  idleMs?: number
  /** UDP: the longest a datagram chosen for reordering waits for one to overtake it. */
  reorderHoldMs?: number
}

/** The impairments each kind of relay applies; the others mean nothing to it. */
export const UDP_IMPAIRMENTS: readonly (keyof Impairments)[] = ['loss', 'duplicate', 'reorder', 'delay', 'jitter']
export const TCP_IMPAIRMENTS: readonly (keyof Impairments)[] = ['delay', 'jitter', 'rate', 'slice', 'sliceDelay', 'limit', 'resetAfter']

export const RELAY_DEFAULTS = { maxFlows: 256, idleMs: 60_000, reorderHoldMs: 100 } as const

/** Impairments for one direction, or both, as a config's c2s/s2c pair. */
export function impairmentsFor(choice: DirectionChoice, impairments: Impairments): Pick<RelayConfig, 'c2s' | 's2c'> {
  return {
    c2s: choice === 's2c' ? {} : { ...impairments },
    s2c: choice === 'c2s' ? {} : { ...impairments }
  }
}

/** Per direction: datagrams (UDP) or writes (TCP) forwarded, and what was done to them. */
export interface Counters {
  /** Datagrams sent on (copies included) or TCP writes made. */
  forwarded: number
  /** Bytes forwarded (copies included). */
  bytes: number
  dropped: number
  /** Extra copies sent. */
  duplicated: number
  /** Datagrams that another overtook because they were held back. */
  reordered: number
  /** Datagrams or TCP reads held before they went. */
  delayed: number
  /** TCP: writes made by slicing (one read cut into 3 slices counts 3). */
  sliced: number
}

export const noCounters = (): Counters => ({ forwarded: 0, bytes: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, sliced: 0 })

export interface RelayStats {
  c2s: Counters
  s2c: Counters
  /** UDP client addresses or TCP connections: seen in all, open now, closed for idleness or evicted (UDP). */
  flows: { opened: number; open: number; expired: number; evicted: number }
}

/** Why a flow (a UDP client address, or a TCP connection) ended. */
export type FlowEnd = 'idle' | 'evicted' | 'relay-closed' | 'client-closed' | 'server-closed' | 'client-reset' | 'server-reset' | 'refused' | 'limit' | 'reset' | 'error'

/**
 * What a relay did, as data. `at` is milliseconds since the relay started; `flow` numbers client
 * addresses (UDP) or connections (TCP) from 1; `n` numbers the datagrams (UDP) or the reads (TCP)
 * of one flow in one direction from 1.
 */
export type RelayRecord =
  | { type: 'listening'; at: number; proto: 'tcp' | 'udp'; local: SockAddr; target: SockAddr; seed: number; c2s: Impairments; s2c: Impairments }
  | { type: 'flow-open'; at: number; flow: number; client: SockAddr; upstream?: SockAddr }
  | { type: 'flow-close'; at: number; flow: number; reason: FlowEnd; code?: string }
  /** Datagram (UDP) or read (TCP) n came in from its source; `data` is the relay's own buffer (read it, do not keep it). */
  | { type: 'in'; at: number; dir: Direction; flow: number; n: number; bytes: number; data: Uint8Array }
  /** A datagram (a copy counts) or a write went out to its destination. */
  | { type: 'out'; at: number; dir: Direction; flow: number; bytes: number; data: Uint8Array }
  | { type: 'drop'; at: number; dir: Direction; flow: number; n: number; bytes: number }
  | { type: 'duplicate'; at: number; dir: Direction; flow: number; n: number; bytes: number }
  /** Datagram n was held back, and datagram `overtakenBy` went before it. */
  | { type: 'reorder'; at: number; dir: Direction; flow: number; n: number; overtakenBy: number }
  /** Datagram or read n will go after `delayMs` (with jitter drawn in); for TCP, also rate and order waits. */
  | { type: 'delay'; at: number; dir: Direction; flow: number; n: number; bytes: number; delayMs: number }
  /** TCP read n of `bytes` goes as `pieces` writes. */
  | { type: 'slice'; at: number; dir: Direction; flow: number; n: number; bytes: number; pieces: number }
  /** TCP: `limit` bytes went this way; the relay closes the connection. */
  | { type: 'limit'; at: number; dir: Direction; flow: number; limit: number }
  /** TCP: resetAfter ms passed; the relay reset its sockets to `sides`. */
  | { type: 'reset'; at: number; flow: number; afterMs: number; sides: ('client' | 'server')[] }
  /** Something failed on a socket: the relay goes on. */
  | { type: 'error'; at: number; flow?: number; side: 'listen' | 'client' | 'server'; code?: string; message: string }
  | { type: 'closed'; at: number; stats: RelayStats }

export interface Relay {
  readonly local: SockAddr
  readonly seed: number
  stats(): RelayStats
  on(event: 'record', listener: (r: RelayRecord) => void): this
  off(event: 'record', listener: (r: RelayRecord) => void): this
  /** Releases every socket and timer; datagrams and writes still waiting are dropped. */
  close(): Promise<void>
}

/** A record before it is stamped with its time. */
export type Untimed<T> = T extends unknown ? Omit<T, 'at'> : never
