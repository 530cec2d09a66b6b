// The one table of endpoint kinds: what each kind is (role, protocol, the lab it belongs to), the
// config it is started with, and how its endpoint ids are made and read back. The engine, the
// schemas, the CLI and the window derive what they need from here; a new kind is a new row (plus
// its own file and panel).

import { z } from 'zod'
import type { Proto, Role } from './events'
import { address, family, fields, say } from './field-rules'
import { said } from './i18n/said'

/** The window's labs: each groups one server kind with its client kind. */
export type LabKind = 'tcp' | 'udp' | 'http'

export interface KindInfo {
  role: Role
  proto: Proto
  lab: LabKind
  /** What a window may send to start one: checked at run time by every host (a strict object, so nothing else gets in). */
  config: z.ZodObject
  /** Options only the host's own code sets (the CLI's flags, tests): part of the config's type, never accepted from a window. */
  hostOnly?: z.ZodObject
}

const { serverPort, clientPort, recvSize, timeoutMs, idleTimeoutMs } = fields

// A relay's impairments, per direction (relay-endpoint.ts; the engine's in engine/relay/types.ts).
const percent = z.number().min(0).max(100)
const relayMs = z.number().min(0).max(60_000)
const udpImpairments = z.strictObject({ loss: percent, duplicate: percent, reorder: percent, delay: relayMs, jitter: relayMs }).partial()
const tcpImpairments = z
  .strictObject({ delay: relayMs, jitter: relayMs, rate: z.number().min(0).max(1_000_000), slice: z.number().int().min(0).max(65_536), sliceDelay: relayMs, limit: z.number().int().min(0).max(1e9), resetAfter: z.number().min(0).max(600_000) })
  .partial()
/** Where the relay listens (port 0: any free one), the server it forwards to, and the seed that replays its draws. */
const relayFields = { address, port: serverPort.schema, toAddress: address, toPort: clientPort.schema, seed: z.number().int().min(0).max(0xffff_ffff) }

export const ENDPOINT_KINDS = {
  'tcp-server': {
    role: 'server',
    proto: 'TCP',
    lab: 'tcp',
    config: z.strictObject({
      kind: z.literal('tcp-server'),
      address,
      port: serverPort.schema,
      /** Bytes read by the one recv() per connection (the course uses 1024). */
      recvSize: recvSize.schema,
      /** Serve connections in parallel instead of one after the other. */
      concurrent: z.boolean(),
      /** Close a connection that sends nothing for this long, so one silent client cannot block an
       *  iterative server forever (the course's server would wait). 0 waits forever. */
      idleTimeoutMs: idleTimeoutMs.schema
    })
  },
  'tcp-client': {
    role: 'client',
    proto: 'TCP',
    lab: 'tcp',
    config: z.strictObject({
      kind: z.literal('tcp-client'),
      address,
      port: clientPort.schema,
      recvSize: recvSize.schema,
      /** How long connect() and the recv() of the reply may each wait, as Python's settimeout():
       *  the course's client waits forever, and an empty or lost exchange would hang it. */
      timeoutMs: timeoutMs.schema
    })
  },
  'udp-server': {
    role: 'server',
    proto: 'UDP',
    lab: 'udp',
    config: z.strictObject({ kind: z.literal('udp-server'), address, port: serverPort.schema, recvSize: recvSize.schema })
  },
  'udp-client': {
    role: 'client',
    proto: 'UDP',
    lab: 'udp',
    config: z.strictObject({
      kind: z.literal('udp-client'),
      address,
      port: clientPort.schema,
      recvSize: recvSize.schema,
      /** How long to wait for the reply before giving up: UDP loses datagrams. */
      timeoutMs: timeoutMs.schema
    })
  },
  'tcp-relay': {
    role: 'relay',
    proto: 'TCP',
    lab: 'tcp',
    config: z.strictObject({ kind: z.literal('tcp-relay'), ...relayFields, c2s: tcpImpairments, s2c: tcpImpairments })
  },
  'udp-relay': {
    role: 'relay',
    proto: 'UDP',
    lab: 'udp',
    config: z.strictObject({ kind: z.literal('udp-relay'), ...relayFields, c2s: udpImpairments, s2c: udpImpairments })
  },
  'http-server': {
    role: 'server',
    proto: 'HTTP',
    lab: 'http',
    config: z.strictObject({
      kind: z.literal('http-server'),
      address,
      port: serverPort.schema,
      /** The folder served; nothing outside it is ever read. */
      root: z.string().min(1, say('Choose the folder to serve', said('wire:field.chooseFolder'))).max(4096)
    }),
    hostOnly: z.object({
      /** Serve names starting with "." (.git, .ssh ...). Only a user typing `--dotfiles` turns it on. */
      dotfiles: z.boolean(),
      /** Limits tighter than those of shared/limits.ts (tests, soak runs). */
      limits: z.object({ headDeadlineMs: z.number(), idleMs: z.number(), sendStallMs: z.number(), maxConnections: z.number() }).partial()
    })
  },
  'http-client': {
    role: 'client',
    proto: 'HTTP',
    lab: 'http',
    config: z.strictObject({
      kind: z.literal('http-client'),
      /** Do what the course client does: one recv(1500) and stop, which truncates long replies. */
      recvOnce: z.boolean(),
      /** Family used to resolve host names in URLs (IP literals decide for themselves). */
      family
    })
  }
} as const satisfies Record<string, KindInfo>

export type EndpointKind = keyof typeof ENDPOINT_KINDS
export const ENDPOINT_KIND_NAMES = Object.keys(ENDPOINT_KINDS) as EndpointKind[]

export function kindInfo(kind: EndpointKind): KindInfo {
  return ENDPOINT_KINDS[kind]
}

type Row<K extends EndpointKind> = (typeof ENDPOINT_KINDS)[K]

/** What a window may send to start a K. */
export type WindowConfigOf<K extends EndpointKind> = z.infer<Row<K>['config']>

/** The config a K is started with: the window's fields, plus the host-only options where the row has some. */
export type ConfigOf<K extends EndpointKind> = WindowConfigOf<K> & (Row<K> extends { hostOnly: infer H extends z.ZodObject } ? Partial<z.infer<H>> : unknown)

/** The kinds of one role. */
export type KindOfRole<R extends Role> = { [K in EndpointKind]: Row<K>['role'] extends R ? K : never }[EndpointKind]

/** An endpoint's id: its kind and its number within the lab, "tcp-server-1". */
export function endpointId(kind: EndpointKind, n: number): string {
  return `${kind}-${n}`
}

/** Ids of known kinds only, numbered from 1: anything else (a path, a made-up kind) is not an id. */
export const ENDPOINT_ID = new RegExp(`^(${ENDPOINT_KIND_NAMES.join('|')})-([1-9]\\d{0,15})$`)

/** An endpoint id's number: the host numbers each kind's endpoints in the order they start. */
export function endpointNumber(id: string): number {
  return Number(ENDPOINT_ID.exec(id)?.[2] ?? NaN)
}

/** The kind an endpoint id names, or undefined for anything that is not an endpoint id. */
export function kindOfId(id: string): EndpointKind | undefined {
  return ENDPOINT_ID.exec(id)?.[1] as EndpointKind | undefined
}
