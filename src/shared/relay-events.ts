// What a relay endpoint reports, as data: the details of its event kinds. The relay's own words
// are made where the events are shown (relay-words.ts, catalog `relay`).

import type { Direction, FlowEnd, Impairments, RelayStats } from '../engine/relay/types'
import type { SockAddr } from './events'

export type { Direction, FlowEnd, Impairments, RelayStats }

/**
 * One datagram (UDP) or one read (TCP) the relay did something to on purpose: which way, which
 * flow (a client address, or a connection, numbered from 1) and which datagram or read of it (n),
 * its bytes, and the seed that replays the same decisions.
 */
export interface RelayActDetail {
  dir: Direction
  flow: number
  n: number
  bytes: number
  seed: number
  /** UDP: a datagram; TCP: a read of the byte stream. */
  unit: 'datagram' | 'read'
}

export type RelayDetail =
  | { what: 'listening'; proto: 'tcp' | 'udp'; target: SockAddr; seed: number; c2s: Impairments; s2c: Impairments }
  | { what: 'flow-open'; flow: number; client: SockAddr; upstream?: SockAddr }
  | { what: 'flow-close'; flow: number; reason: FlowEnd; code?: string }
  /** Datagram n was held back, and datagram `overtakenBy` went before it. */
  | { what: 'reorder'; dir: Direction; flow: number; n: number; overtakenBy: number; seed: number }
  | { what: 'slice'; dir: Direction; flow: number; n: number; bytes: number; pieces: number }
  | { what: 'limit'; dir: Direction; flow: number; limit: number }
  | { what: 'reset'; flow: number; afterMs: number; sides: ('client' | 'server')[] }
  /** The relay stopped: what it did each way, in all. */
  | { what: 'stopped'; stats: RelayStats }

export interface RelayEventDetails {
  drop: RelayActDetail
  duplicate: RelayActDetail
  delay: RelayActDetail & { delayMs: number }
  relay: RelayDetail
}

/** The relay's kinds of event. */
export const RELAY_EVENT_KINDS = ['drop', 'duplicate', 'delay', 'relay'] as const
export type RelayEventKind = (typeof RELAY_EVENT_KINDS)[number]

/** Both ways, client → server first. */
export const RELAY_DIRECTIONS: readonly Direction[] = ['c2s', 's2c']
