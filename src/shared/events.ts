// The event model: every observable step of every endpoint is one LabEvent.
// Consoles, the packet log and the CLI are all views of this one stream.

import type { Utf8Failure } from './utf8-check'
import type { Said } from './i18n/said'
import type { RelayEventDetails } from './relay-events'
import type { ClientActivity, EndpointConfig } from './contract'

export type Proto = 'TCP' | 'UDP' | 'HTTP'
/** A relay sits between a client and a server, and forwards between them. */
export type Role = 'client' | 'server' | 'relay'
export type Family = 'IPv4' | 'IPv6'

export type EventKind =
  | 'listen' // a TCP server socket is bound and listening for connections
  | 'bind' // a UDP server socket is bound: it receives datagrams, there is nothing to listen for
  | 'queued' // the kernel finished a connection's handshake; it waits in the listen backlog until accept() returns it
  | 'accept' // accept() returned a connection to the TCP server
  | 'connect' // a TCP client's connection is established
  | 'send' // UDP: one datagram sent. TCP/HTTP: one application write to the byte stream
  | 'recv' // UDP: one datagram received. TCP/HTTP: one read from the byte stream
  | 'close' // orderly close (FIN) or a socket/server being closed
  | 'reset' // the peer reset the connection (ECONNRESET / EPIPE)
  | 'error' // something failed; `detail.said` says what, as data
  | 'console' // a line the course program itself would print
  | 'ping' // the Pinger lab: a run starts, a reply's RTT, a timeout, a drop on purpose, the statistics (PingDetail)
  | 'drop' // a relay dropped a datagram on purpose
  | 'duplicate' // a relay sent a datagram twice on purpose
  | 'delay' // a relay held a datagram (or a TCP read) before it forwarded it
  | 'relay' // anything else a relay did: it listens, a flow began or ended, a datagram was reordered, a read sliced...
  | 'lifecycle' // an endpoint started, its client's activity changed, or it stopped (LifecycleDetail): windows follow the lab from these

export interface SockAddr {
  address: string
  port: number
  family: Family
}

/** Who ended a connection (or a socket): the side that closed first, as this endpoint saw it. */
export type Side = 'client' | 'server'

/** Why a socket or connection closed; each reason has its own words (event-words.ts). */
export type CloseReason =
  | 'server-stopped' // a server's listening (or bound) socket was closed
  | 'served' // the TCP server closed the connection after its one exchange
  | 'client-done' // the TCP client closed the connection after its exchange
  | 'ended' // an HTTP server's connection is gone (`closedBy` says which side closed first)
  | 'client-after-server' // the HTTP client closed its side after the server had closed
  | 'client-one-recv' // the HTTP client closed after its one recv(), the server still open
  | 'client-stopped' // a client was stopped (Cancel) while it waited for a reply
  | 'server-closed-idle' // the TCP server closed a connection on which the client waited for nothing (idle time-out, Stop)
  | 'client-closed' // a keep-open TCP server closed the connection after reading the client's end of stream
  | 'closed-here' // a TCP server closed one connection because it was asked to (closeConnection)

/**
 * A close() that reset the connection (RST): bytes were still unread, as the course's program that
 * made one recv(N) leaves them, and the kernel answers such a close with a reset. `unread` is what
 * socklab's process had read beyond recv(N); bytes still in the kernel or in flight are not known,
 * so it is a lower bound (`atLeast`) unless the peer's end of stream had been read too.
 */
export interface UnreadReset {
  unread: number
  atLeast: boolean
}

/**
 * What each kind of event means, as fields: the words are made from these where they are shown,
 * in the reader's language (event-words.ts: eventWords(event, t)), never in the engine.
 */
export interface EventDetails {
  /** TCP: the course server's `mode` and `recvSize`; HTTP: the folder served. The address is the one shown. */
  listen: { address: string; port: number } & ({ mode: 'iterative' | 'concurrent'; recvSize: number } | { root: string })
  bind: { address: string; port: number; recvSize: number }
  /** Connections ahead of this one: the one being served and those waiting in the backlog before it. */
  queued: { queuedAhead: number }
  /** How long the connection waited in the listen backlog, when it had to (iterative server busy). */
  accept: { backlogMs?: number }
  /** `handshake`: the three-way handshake is what connect() waited for (said for the TCP lab). */
  connect: { handshake: boolean }
  send: SendDetail
  recv: RecvDetail
  close: { closedBy: Side; reason: CloseReason; reset?: UnreadReset }
  /** Errors and resets carry Node's code (ECONNRESET ...) and what happened as data (`said`: a key of the `error` catalog and its parameters). */
  reset: { code?: string; said: Said }
  error: { code?: string; said: Said }
  /**
   * `course`: the course program's own line: `info` is what the program prints, its own words,
   * never translated (students compare them with the Python programs). `said`: a note of the lab
   * itself in a program's console (why a call waits, how a reply was read), worded where it shows.
   * Neither: a line written by a window (below), or a host's line of an older version.
   * `window`: a line the window wrote into one of its consoles through the host (a refusal, a note,
   * the echo of a sentence), so that a reload and every other window show it too. `window.said`: a
   * note or an error of the window's as a key and parameters, worded by each window in its language
   * as it writes it (`info` then holds its English words, for the exports and the CLI); the echo is
   * `info` itself (data).
   * `note`: not the program's line but socklab's own note beside it (why the HTTP server refused a
   * request, a limit it reached): its words are made at the edge, in the reader's language, from
   * the Said; `info` holds its English words for an edge that does not word notes.
   */
  console: { course?: true; window?: { console: string; style: WindowLineStyle; said?: Said }; note?: Said }
  ping: PingDetail
  lifecycle: LifecycleDetail
}

/** Every kind's detail: the course endpoints' (above) and the relay's (relay-events.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the relay's kinds into EventDetails
export interface EventDetails extends RelayEventDetails {}
/**
 * The Pinger lab's own rows (the textbook's UDP Pinger), beside the send and recv of each ping:
 * a client's run starts (`count` pings, each waiting `timeoutMs`), a reply came after `rttMs`, a
 * ping timed out, the server dropped datagram `n` (ping `seq`) on purpose, the run's statistics.
 */
export type PingDetail =
  | { what: 'start'; count: number; timeoutMs: number; intervalMs: number }
  | { what: 'reply'; seq: number; rttMs: number }
  | { what: 'timeout'; seq: number; timeoutMs: number }
  | { what: 'drop'; n: number; seq?: number; lossPct: number }
  | { what: 'stats'; sent: number; received: number; lost: number; lossPct: number; minMs?: number; avgMs?: number; maxMs?: number }

/**
 * How an endpoint stopped: `stopped` (a stop() call: a window's Stop, or the host), `closed` (a
 * client stopped with no call under way: its Close), `cancelled` (a client stopped while a call was
 * under way: its wait was cancelled), `failed` (its start failed: nothing runs), `shutdown` (the
 * lab closed every endpoint at once, as the host exits).
 */
export type StopHow = 'stopped' | 'closed' | 'cancelled' | 'failed' | 'shutdown'

/**
 * An endpoint's life, in the event stream in order with everything else it does, so that a window
 * that opens, or reloads, later knows what runs and what stopped from the feed alone. Every endpoint
 * has one `started`, then (clients) an `activity` each time what it does changes, then one `stopped`.
 * The Lab keeps each endpoint's latest of these beyond its ring (Lab.lifecycleBefore), and a window
 * attaching gets them ahead of the ring's events, with their own seq.
 * - `started`: `n` is its number (tcp-client-3 → 3); `config` what it was started with; `console`
 *   the console key the starting window shows it in (console-keys.ts); `local` the address a server
 *   bound. Recorded once start() is over (a failed start is `started` then `stopped` `failed`):
 *   the lines it printed while starting come just before it.
 * - `activity` (clients): what it does now (ClientActivity), how its last exchange ended (bytes
 *   `received`, or `failed`) and, HTTP, the URL it was asked for last.
 * - `stopped`: how (StopHow).
 */
export type LifecycleDetail =
  | { step: 'started'; n: number; config: EndpointConfig; console?: string; local?: SockAddr }
  | { step: 'activity'; now: ClientActivity; received?: number; failed?: true; url?: string }
  | { step: 'stopped'; how: StopHow }

/** How a window's own line shows: a note, an error (`ERROR: ` in red), or what the student typed, after the prompt. */
export type WindowLineStyle = 'note' | 'error' | 'input'

export type SendDetail =
  /**
   * One write to a TCP stream, or one UDP datagram (`length` says how many bytes). `wildcard`: a UDP
   * server bound to 0.0.0.0 or ::, whose own address on the row is not the one the system sends from.
   * `chunk`: write `n` of the `of` writes a TCP client cut one message into (`--chunks`).
   */
  | { what: 'bytes'; wildcard?: string; chunk?: { n: number; of: number } }
  /** The HTTP client's request line. */
  | { what: 'request'; method: string; target: string; version: string }
  /** An HTTP response; `streamed`: its body came from disk in chunks. */
  | { what: 'response'; status: number; streamed: boolean }

/**
 * A client's read also carries `undecodable` when the bytes are not UTF-8: the course's client,
 * which decodes them strictly, would fail there with UnicodeDecodeError (socklab shows U+FFFD).
 */
export type RecvDetail =
  /**
   * One read of a TCP stream: `leftover` bytes came in the same read beyond recv(recvSize) and
   * were left unread; `eof`: the stream ended; `waiting`: bytes had arrived before recv() started.
   * `reply`: a session client's read of one message's reply: `got` bytes of the `of` it awaits, once
   * this read is counted (more than `of`: the read held bytes beyond that reply, glued to it).
   */
  | { what: 'stream'; recvSize?: number; leftover: number; eof: boolean; waiting: number; undecodable?: Utf8Failure; reply?: { got: number; of: number } }
  /**
   * One UDP datagram of `length` bytes; recvfrom(recvSize) kept `truncatedTo` of a longer one.
   * `wildcard`: the server is bound to 0.0.0.0 or ::, and recvfrom() does not say which address it came to.
   */
  | { what: 'datagram'; recvSize: number; truncatedTo?: number; wildcard?: string; undecodable?: Utf8Failure }
  /**
   * The HTTP client's recv(recvSize) number `read`; the first holds the status line, if whole.
   * `eof`: it returned b'' because the server closed (FIN), which ends an HTTP/1.0 reply of `replyBytes`.
   */
  | { what: 'http-read'; recvSize: number; read: number; statusLine?: string; status?: number; eof?: boolean; replyBytes?: number }

interface EventBase {
  /** Position in the lab's stream: strictly increasing, never reused. */
  seq: number
  /** Microseconds since the lab started, from a monotonic clock. */
  time: number
  /** Id of the endpoint that saw this event (e.g. "tcp-server-1"); '' for a window's line in a console that has none. */
  endpoint: string
  role: Role
  proto: Proto
  /** Connection number within the endpoint (TCP/HTTP), 0 where there is none. */
  conn: number
  local?: SockAddr
  remote?: SockAddr
  /** Bytes on the wire for send/recv (the whole length, not the preview's). */
  length: number
  /** First bytes of the payload, base64: at most PREVIEW_BYTES once decoded, PREVIEW_HEAD_BYTES once the event is old (see PreviewBudget). */
  preview?: string
  /**
   * Console events only: the line as printed, never translated (the course program's own, or a
   * window's). Every other kind carries no words: they are made from its detail where it is shown.
   */
  info?: string
  /** Node's error code (EADDRINUSE, ECONNREFUSED, ...) for `error` events. */
  code?: string
}

/** One event of kind K, with that kind's detail. */
export type LabEventOf<K extends EventKind> = EventBase & { kind: K; detail: EventDetails[K] }

/** Every event is one of its kinds: `e.kind === 'queued'` gives `e.detail.queuedAhead`. */
export type LabEvent = { [K in EventKind]: LabEventOf<K> }[EventKind]

/**
 * The most payload one event carries: a whole recv(1500), a page of up to 64 KiB, so that a
 * student sees every byte a read took and where it was cut. Memory stays bounded by the budget below.
 */
export const PREVIEW_BYTES = 64 * 1024

/**
 * What every event keeps of its payload however old it is: fifteen full lines of the hex dump
 * (a multiple of 3, so a base64 preview is cut on a whole group of characters).
 */
export const PREVIEW_HEAD_BYTES = 240

/**
 * Payload bytes beyond the head that a log (the engine's ring, a window's store) holds in all:
 * the newest events keep their whole preview, older ones are cut to the head once this is used
 * up. 50,000 events of 64 KiB would be 3.2 GB; with this budget a full log stays under ~40 MB.
 */
export const PREVIEW_BUDGET_BYTES = 16 * 1024 * 1024

/**
 * Payload bytes the engine previews whole per second (a burst of this much at once): every
 * exchange a student makes by hand fits; in a flood, events beyond it carry their head only, so
 * that hosts and windows are not sent every byte of a fast transfer.
 */
export const PREVIEW_RATE_BYTES = 4 * 1024 * 1024

/** Default size of the lab's ring of events: old ones drop off once it is full. */
export const DEFAULT_RING_SIZE = 50_000

export function formatSockAddr(a: Pick<SockAddr, 'address' | 'port'>): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`
}

/** The course programs print addresses as Python tuples: (127.0.0.1, 40318). */
export function formatTuple(address: string, port: number): string {
  return `(${address}, ${port})`
}
