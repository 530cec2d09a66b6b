// The one table of endpoint kinds: what each kind is (role, protocol, the lab it belongs to), the
// config it is started with, and how its endpoint ids are made and read back. The engine, the
// schemas, the CLI and the window derive what they need from here; a new kind is a new row (plus
// its own file and panel).

import { z } from 'zod'
import type { Proto, Role } from './events'
import { address, family, fields, integerIn, numberField, say } from './field-rules'
import { said } from './i18n/said'
import { pingFields } from './ping-fields'

export type { Role } from './events'

/** What a lab is: the window shows one lab at a time, with the endpoints of the kinds whose row names it. */
export interface LabInfo {
  /** Its name in the header and in names like "TCP Client 2" (a protocol token: the same in every language). */
  title: string
}

/**
 * The window's labs, in the header's order: each groups the kinds whose row names it (a server
 * kind, its client kind, a relay kind). A new lab is a row here plus the rows of its kinds.
 */
export const LAB_ROWS = {
  tcp: { title: 'TCP' },
  udp: { title: 'UDP' },
  http: { title: 'HTTP' },
  ping: { title: 'Ping' }
} as const satisfies Record<string, LabInfo>

export type LabKind = keyof typeof LAB_ROWS
export const LAB_KINDS = Object.keys(LAB_ROWS) as LabKind[]

/**
 * What a role means wherever roles are told apart: in console keys, in lists, in the defaults of
 * addresses, in the ports a capture covers. A `Record<Role, …>`: a new role does not compile until
 * it is stated here.
 */
export interface RoleInfo {
  /** One console per endpoint, numbered from 1 (the client tabs: "tcp:client:2"), or one per lab ("tcp:server"). */
  numbered: boolean
  /** Where lists show it within its lab: the server first, then a relay, then the clients. */
  order: number
  /** It binds an address of its own to be reached at: its default address is the server's (all interfaces), not the loopback a client talks to. */
  listens: boolean
  /** It talks to a port it did not bind (a client's server, a relay's target): a capture must cover the port it reaches. */
  dials: boolean
}

export const ROLES = {
  server: { numbered: false, order: 0, listens: true, dials: false },
  relay: { numbered: false, order: 1, listens: true, dials: true },
  client: { numbered: true, order: 2, listens: false, dials: true }
} as const satisfies Record<Role, RoleInfo>

export const ROLE_NAMES = Object.keys(ROLES) as Role[]

/** One value per role, all of them stated (a new role does not compile until each caller says its value). */
export const byRole = <T>(role: Role, values: Record<Role, T>): T => values[role]

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

/** Writes one TCP client message may be cut into (`--chunks`), and the pause between them (`--chunk-delay`). */
export const CHUNKS_MIN = 1
export const CHUNKS_MAX = 64
export const CHUNK_DELAY_MAX_MS = 5000

/** The stream options' rules, stated once for the window's fields and the CLI's flags. */
export const streamFields = {
  chunks: numberField(
    'Writes',
    said('cli:field.chunks'),
    `an integer in ${CHUNKS_MIN}..${CHUNKS_MAX}`,
    said('wire:field.rule.integerIn', { min: String(CHUNKS_MIN), max: String(CHUNKS_MAX) }),
    integerIn(CHUNKS_MIN, CHUNKS_MAX)
  ),
  chunkDelayMs: numberField(
    'Delay between writes (ms)',
    said('cli:field.chunkDelay'),
    `an integer in 0..${CHUNK_DELAY_MAX_MS}`,
    said('wire:field.rule.integerIn', { min: '0', max: String(CHUNK_DELAY_MAX_MS) }),
    integerIn(0, CHUNK_DELAY_MAX_MS)
  )
}

/**
 * The stream options' defaults: today's behaviour (one write, one exchange per connection, one reply
 * per connection). Every one of them is optional in a config, and absent means this.
 * `noDelay`: Node's net sockets (Node 20, checked with strace: no TCP_NODELAY is set) leave Nagle's
 * algorithm ON, the kernel's default, as the course's Python sockets do; http.Server turns it off,
 * net does not. So the default is `false`, Nagle on, as today; `noDelay: true` (`--nodelay`) turns
 * Nagle off, and an explicit `false` makes the system call that turns it on, whatever Node assumed.
 */
export const STREAM_DEFAULTS = { keepOpen: false, chunks: 1, chunkDelayMs: 0, noDelay: false, session: false } as const

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
      idleTimeoutMs: idleTimeoutMs.schema,
      /** Keep each connection open: recv() → upper-case → send() until the client closes (EOF), instead
       *  of one reply and close. An iterative server still serves one connection at a time. Default false. */
      keepOpen: z.boolean().optional()
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
      timeoutMs: timeoutMs.schema,
      /** One message sent as this many write() calls (1..64), cut as evenly as the bytes allow. Default 1. */
      chunks: streamFields.chunks.schema.optional(),
      /** Pause between those writes, in milliseconds (0..5000). Default 0. */
      chunkDelayMs: streamFields.chunkDelayMs.schema.optional(),
      /** setNoDelay(noDelay): true turns Nagle's algorithm off, false turns it on. Default false: Nagle
       *  on, the system's default and today's behaviour (see STREAM_DEFAULTS). */
      noDelay: z.boolean().optional(),
      /** Stay connected: each send is one message and its reply, and the connection stays open until
       *  the client's own Close (stop) ends it. Default false: one exchange per connection. */
      session: z.boolean().optional()
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
  },
  // The textbook's UDP Pinger: a server that drops a share of the pings on purpose, a client that times each one.
  'udp-ping-server': {
    role: 'server',
    proto: 'UDP',
    lab: 'ping',
    config: z.strictObject({
      kind: z.literal('udp-ping-server'),
      address,
      port: serverPort.schema,
      /** Per cent of pings dropped; absent, the textbook's rule (randint(0, 10) < 4, about 36%). */
      loss: pingFields.loss.schema.optional(),
      /** The same seed drops the same pings; absent, a new one each start. */
      seed: pingFields.seed.schema.optional()
    })
  },
  'udp-ping-client': {
    role: 'client',
    proto: 'UDP',
    lab: 'ping',
    config: z.strictObject({
      kind: z.literal('udp-ping-client'),
      address,
      port: clientPort.schema,
      count: pingFields.count.schema,
      /** How long each ping waits for its reply (the assignment: one second). */
      timeoutMs: timeoutMs.schema,
      /** The least time from one ping to the next. */
      intervalMs: pingFields.intervalMs.schema
    })
  }
} as const satisfies Record<string, KindInfo>

export type EndpointKind = keyof typeof ENDPOINT_KINDS
export const ENDPOINT_KIND_NAMES = Object.keys(ENDPOINT_KINDS) as EndpointKind[]

export function kindInfo(kind: EndpointKind): KindInfo {
  return ENDPOINT_KINDS[kind]
}

/** The kind of lab `lab` that plays `role`, if the lab has one (a lab need not have a relay). */
export function kindIn(lab: LabKind, role: Role): EndpointKind | undefined {
  return ENDPOINT_KIND_NAMES.find((k) => ENDPOINT_KINDS[k].lab === lab && ENDPOINT_KINDS[k].role === role)
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
