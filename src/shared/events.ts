// The event model: every observable step of every endpoint is one LabEvent.
// Consoles, the packet log and the CLI are all views of this one stream.

export type Proto = 'TCP' | 'UDP' | 'HTTP'
export type Role = 'client' | 'server'
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
  | 'error' // something failed; `info` says what in plain words
  | 'console' // a line the course program itself would print

export interface SockAddr {
  address: string
  port: number
  family: Family
}

export interface LabEvent {
  /** Position in the lab's stream: strictly increasing, never reused. */
  seq: number
  /** Microseconds since the lab started, from a monotonic clock. */
  time: number
  /** Id of the endpoint that saw this event (e.g. "tcp-server-1"). */
  endpoint: string
  role: Role
  proto: Proto
  kind: EventKind
  /** Connection number within the endpoint (TCP/HTTP), 0 where there is none. */
  conn: number
  local?: SockAddr
  remote?: SockAddr
  /** Bytes on the wire for send/recv (the whole length, not the preview's). */
  length: number
  /** First bytes of the payload, base64: at most PREVIEW_BYTES once decoded, PREVIEW_HEAD_BYTES once the event is old (see PreviewBudget). */
  preview?: string
  /** One human line: the console text, the error message, or a summary for the log. */
  info: string
  /** Node's error code (EADDRINUSE, ECONNREFUSED, ...) for `error` events. */
  code?: string
}

/** What an endpoint reports; the Lab stamps seq, time and endpoint. */
export type EventDraft = Omit<LabEvent, 'seq' | 'time' | 'endpoint' | 'role' | 'proto' | 'conn' | 'length'> & {
  conn?: number
  length?: number
  proto?: Proto
}

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
