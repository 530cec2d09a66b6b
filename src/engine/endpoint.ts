// What every endpoint (server or client) is to the Lab, and the Reporter through which it speaks.

import type net from 'node:net'
import type { AddressInfo } from 'node:net'
import type { EndpointConfig, SendResult } from '../shared/contract'
import type { EventDetails, EventKind, Family, LabEvent, LabEventOf, LifecycleDetail, Proto, Role, SockAddr } from '../shared/events'
import type { RenderedKind } from '../shared/event-words'
import type { Said } from '../shared/i18n/said'
import { said as saying } from '../shared/i18n/said'
import type { LabError } from './errors'
import { isReset } from './errors'
import { PREVIEW_BYTES } from '../shared/events'
import type { PreviewRate } from './preview-rate'
import { english } from './english'

export interface Endpoint {
  readonly id: string
  readonly config: EndpointConfig
  /** Servers bind and listen; clients have nothing to open until they send. Returns the bound address. */
  start(): Promise<SockAddr | undefined>
  /** Closes every socket of the endpoint; the port is free once this resolves. Safe to call twice. */
  stop(): Promise<void>
  /** Clients: one exchange. Servers do not have it. */
  send?(input: string): Promise<SendResult>
  /** TCP clients: connect now, send later. */
  connect?(): Promise<void>
  /** TCP clients: whether a connection is open (made by connect() and not closed yet). */
  hasConnection?(): boolean
  /** TCP servers: close one connection (its `conn` number) now. */
  closeConnection?(conn: number): Promise<void>
}

/** Receives complete events; the Lab stamps and stores them, the CLI prints them. */
export type EventListener = (event: LabEvent) => void

/** Where an event happened: the connection and its two ends. */
export interface EventPlace {
  conn?: number
  local?: SockAddr
  remote?: SockAddr
}

/** Where, and what: the detail of kind K, from which its words are made. */
export type EventFields<K extends EventKind> = EventPlace & { detail: EventDetails[K]; length?: number }

/** The course program's own lines carry this one shared detail, not one object per line. */
const COURSE_LINE: EventDetails['console'] = Object.freeze({ course: true as const })

/** The connection and both ends of it, as every event about it carries them. */
export function placeOf(c: EventPlace): EventPlace {
  return { conn: c.conn, local: c.local, remote: c.remote }
}

/**
 * An endpoint's voice: stamps role, proto and endpoint id on what it reports (its meaning as data:
 * the words are made where the event is shown, in the reader's language), and keeps payload previews small. `previews` is false where nobody
 * looks at bytes (the CLI), which saves a copy per read.
 */
export class Reporter {
  constructor(
    readonly endpoint: string,
    readonly role: Role,
    readonly proto: Proto,
    /** Receives each event with seq and time still 0: the Lab stamps them (at `at`, performance.now(), when given). */
    private readonly sink: (event: LabEvent, at?: number) => void,
    readonly previews = true,
    /** Shared by a Lab's endpoints: how much of each payload may be previewed now. */
    private readonly rate?: PreviewRate
  ) {}

  /** An event whose words are made from its detail (where it is shown: eventWords). */
  event<K extends RenderedKind>(kind: K, fields: EventFields<K>, preview?: string, at?: number): void {
    this.emit(kind, fields, undefined, fields.length ?? 0, preview, undefined, at)
  }

  /**
   * A call that puts its packet on the wire as it is made (close(): `syscall` closes the descriptor,
   * and the kernel sends FIN or RST): stamped just before it, reported just after, so that making
   * and sending the event does not come between the time shown and the packet.
   */
  call<K extends RenderedKind>(kind: K, fields: EventFields<K>, syscall: () => void): void {
    const at = performance.now()
    syscall()
    this.event(kind, fields, undefined, at)
  }

  /** The endpoint's start, its client's activity, its stop: reported by the Lab, which knows them (LifecycleDetail). */
  lifecycle(detail: LifecycleDetail): void {
    this.emit('lifecycle', { detail }, undefined, 0, undefined, undefined)
  }

  /** A line the course program would print: its own words, never translated. */
  console(text: string, conn = 0): void {
    this.emit('console', { conn, detail: COURSE_LINE }, text, 0, undefined, undefined)
  }

  /** socklab's own note beside the program's lines, worded where it is shown (its English kept as `info` for an edge that does not word notes). */
  note(note: Said, conn = 0): void {
    this.emit('console', { conn, detail: { note } }, english(note), 0, undefined, undefined)
  }

  /** A failure, as data (a plain string is a system's own message); `code` is Node's (EADDRINUSE...). */
  error(what: Said | string, code?: string, place: EventPlace = {}): void {
    const s = typeof what === 'string' ? saying('error:system', { message: what }) : what
    this.emit('error', { ...place, detail: { code, said: s } }, undefined, 0, undefined, code)
  }

  /**
   * A failure on a connection: a reset (the peer's ECONNRESET, EPIPE) as such, anything else as an
   * error. Returns `e`, marked as reported, for the caller to throw.
   */
  failure(e: LabError, place: EventPlace): LabError {
    if (isReset(e)) this.emit('reset', { ...place, detail: { code: e.code, said: e.said } }, undefined, 0, undefined, e.code)
    else this.error(e.said, e.code, place)
    e.reported = true
    return e
  }

  /**
   * One write or read of payload bytes. A write made of parts (a head and a body) is passed as
   * parts: only the preview's first PREVIEW_BYTES are ever copied, and only if previews are kept.
   */
  data<K extends 'send' | 'recv'>(kind: K, bytes: Uint8Array | readonly Uint8Array[], fields: EventFields<K>): void {
    const parts = bytes instanceof Uint8Array ? [bytes] : bytes
    const carried = parts.reduce((n, p) => n + p.length, 0)
    const max = this.rate ? this.rate.take(Math.min(carried, PREVIEW_BYTES)) : PREVIEW_BYTES
    // No `{ ...fields, length }`: a spread followed by a property of its own takes V8's slow path
    // (microseconds per event, measured: bench sessions), and every write and read comes here.
    this.emit(kind, fields, undefined, fields.length ?? carried, this.previews ? preview(parts, max) : undefined, undefined)
  }

  private emit<K extends EventKind>(kind: K, fields: EventFields<K>, info: string | undefined, length: number, preview: string | undefined, code: string | undefined, at?: number): void {
    // Every event is built with the same fields in the same order: one object shape, cheap to make.
    this.sink({
      seq: 0,
      time: 0,
      endpoint: this.endpoint,
      role: this.role,
      proto: this.proto,
      kind,
      conn: fields.conn ?? 0,
      local: fields.local,
      remote: fields.remote,
      length,
      preview,
      info,
      code,
      detail: fields.detail
    } as LabEventOf<K> as LabEvent, at)
  }
}

/** The first `max` bytes of the parts, base64. */
export function preview(parts: readonly Uint8Array[], max = PREVIEW_BYTES): string {
  const taken: Buffer[] = []
  let room = max
  for (const p of parts) {
    if (room === 0) break
    const head = p.subarray(0, room)
    taken.push(Buffer.from(head.buffer, head.byteOffset, head.byteLength))
    room -= head.length
  }
  return (taken.length === 1 ? taken[0] : Buffer.concat(taken)).toString('base64')
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 'IPv6' : 'IPv4'
}

/**
 * An address as the socket API gives it. An IPv4 peer of a dual-stack server (bound to ::) stays
 * ::ffff:127.0.0.1, the IPv4-mapped IPv6 address Python's accept() and recvfrom() print too.
 */
export function sockAddr(address: string | undefined, port: number | undefined): SockAddr | undefined {
  if (address === undefined || port === undefined) return undefined
  return { address, port, family: familyOf(address) }
}

export function boundAddr(info: AddressInfo | string | null): SockAddr | undefined {
  return info && typeof info === 'object' ? sockAddr(info.address, info.port) : undefined
}

/** Python's bytes.upper(): only ASCII a-z change, every other byte (UTF-8, binary) passes through. */
export function asciiUpper(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes)
  for (let i = 0; i < out.length; i++) {
    const b = out[i]
    if (b >= 0x61 && b <= 0x7a) out[i] = b - 0x20
  }
  return out
}

/**
 * The local address of a connection a server accepted. A server bound to one address gets all
 * its connections there, so the system need not be asked (a syscall per connection); a wildcard
 * bind (0.0.0.0, ::) must ask, since the client chose which of the machine's addresses to use.
 */
export function acceptedLocal(socket: net.Socket, bound: SockAddr | undefined): SockAddr | undefined {
  if (bound && bound.address !== '0.0.0.0' && bound.address !== '::') return bound
  return sockAddr(socket.localAddress, socket.localPort)
}
