// The feeds a host sends a window beside the replies to its calls: the lab's events and the
// captured packets. Both transports (Electron's IPC, the browser host's WebSocket) carry these same
// messages, and a window attaches to a feed the same way on both: it says it is ready for it, and
// the host sends what it still holds (the replay), then the live stream, with no gap and no
// duplicate. Until a window is ready, the host holds the feed for it.

import type { NamesAll } from './contract'
import type { EventKind, LabEvent, SockAddr } from './events'
import { ROLE_NAMES } from './endpoint-kinds'
import { TCP_FLAGS, type WirePacket, type WireStep } from './wire'
import type { WindowsMessage } from './window-views'
import { windowsMessageSchema } from './schemas'

/** The fields of an event that repeat from event to event (an endpoint's name, address, words): sent once per batch. */
type SharedField = 'endpoint' | 'info' | 'detail' | 'local' | 'remote'

/**
 * An event as a feed carries it: its repeating fields are numbers, each the index of its value in
 * the batch's `shared` table. A flood's events differ only in seq, time, the peer's port and the
 * payload, so a batch carries each name, address, detail and sentence once, and the window holds
 * one copy of each instead of one per event.
 */
export type FeedEvent = { [K in keyof LabEvent as K extends SharedField ? never : K]: LabEvent[K] } & {
  endpoint: number
  /** Console events only (the line as printed): no other event carries words. */
  info?: number
  detail: number
  local?: number
  remote?: number
}

export type FeedName = 'events' | 'packets'

export function isFeedName(value: unknown): value is FeedName {
  return value === 'events' || value === 'packets'
}

/** Window → host: start (or, after a reload, start again) this feed with what the host holds. */
export interface ReadyMessage {
  ready: FeedName
}

/** Events in seq order (encodeEvents); `replay` marks those the host held when the window said it was ready. */
export interface EventsMessage {
  events: FeedEvent[]
  /** The values the events' shared fields point to. */
  shared: unknown[]
  replay?: true
}

/**
 * Captured packets in order. `packetsSkipped` counts the packets left out before this batch because
 * the window read too slowly (packets give way so that events never have to); when no packet
 * follows, the count comes alone, with an empty batch.
 */
export interface PacketsMessage {
  packets: WirePacket[]
  packetsSkipped?: number
}

/**
 * Sent before the next batch once a window that fell behind (it read too slowly) catches up: the
 * events it missed, seq firstSeq..lastSeq, which left the host's ring before it got there.
 */
export interface SkippedMessage {
  skipped: { events: number; firstSeq: number; lastSeq: number }
}

export type FeedMessage = EventsMessage | PacketsMessage | SkippedMessage | WindowsMessage

/** Every field of an event, as encodeEvents copies them one by one: a field added to LabEvent and not here does not compile. */
export const EVENT_FIELDS = ['seq', 'time', 'endpoint', 'role', 'proto', 'kind', 'conn', 'local', 'remote', 'length', 'preview', 'info', 'code', 'detail'] as const satisfies readonly (keyof LabEvent)[]
export const EVENT_FIELDS_NAME_ALL: NamesAll<typeof EVENT_FIELDS, keyof LabEvent> = true

/** A batch of events for the feed: each repeated value once, in `shared`. */
export function encodeEvents(events: readonly LabEvent[]): Pick<EventsMessage, 'events' | 'shared'> {
  const shared: unknown[] = []
  // One table per field, keyed by the value itself. The Lab holds one copy of each repeated
  // sentence, detail and address (engine/event-interner.ts), so equal values are one object; an
  // equal copy made elsewhere is only sent twice.
  const table = <T>(): ((value: T) => number) => {
    const indexOf = new Map<T, number>()
    return (value) => {
      let index = indexOf.get(value)
      if (index === undefined) {
        index = shared.push(value) - 1
        indexOf.set(value, index)
      }
      return index
    }
  }
  const names = table<string>()
  const words = table<string>()
  const details = table<LabEvent['detail']>()
  const address = table<SockAddr>()
  const encoded = events.map((event): FeedEvent => {
    // Field by field, as EVENT_FIELDS lists them (an object rest copy took ten times as long), the optional ones only when present.
    const { seq, time, endpoint, role, proto, kind, conn, local, remote, length, preview, info, code, detail } = event
    const e: FeedEvent = { seq, time, endpoint: names(endpoint), role, proto, kind, conn, length, detail: details(detail) }
    if (info !== undefined) e.info = words(info)
    if (local) e.local = address(local)
    if (remote) e.remote = address(remote)
    if (preview !== undefined) e.preview = preview
    if (code !== undefined) e.code = code
    return e
  })
  return { events: encoded, shared }
}

/** A feed message the window cannot read: the host that sent it is not a socklab host of this version. */
export class FeedMessageError extends Error {}

/** Each kind of event, as a value: a kind added to EventKind and not here does not compile. */
const EVENT_KINDS: Record<EventKind, true> = { listen: true, bind: true, queued: true, accept: true, connect: true, send: true, recv: true, close: true, reset: true, error: true, console: true, lifecycle: true, drop: true, duplicate: true, delay: true, relay: true, ping: true }
const ROLES = new Set<string>(ROLE_NAMES)
/** A packet's sender is one end of its conversation: a relay is the client of one leg and the server of the other. */
const SIDES = new Set(['client', 'server'])
const PROTOS = new Set(['TCP', 'UDP', 'HTTP'])

/** What is wrong with an event's own fields (those not in the shared table), or undefined. */
function eventProblem(e: Record<string, unknown>): string | undefined {
  if (!isCount(e.seq)) return `an event has no valid seq (${show(e.seq)})`
  const at = `event ${e.seq as number}`
  if (typeof e.kind !== 'string' || !Object.hasOwn(EVENT_KINDS, e.kind)) return `${at} has no valid kind (${show(e.kind)})`
  if (!isTime(e.time)) return `${at} has no valid time (${show(e.time)})`
  if (!ROLES.has(e.role as string)) return `${at} has no valid role (${show(e.role)})`
  if (!PROTOS.has(e.proto as string)) return `${at} has no valid proto (${show(e.proto)})`
  if (!isCount(e.conn)) return `${at} has no valid conn (${show(e.conn)})`
  if (!isCount(e.length)) return `${at} has no valid length (${show(e.length)})`
  if (e.preview !== undefined && typeof e.preview !== 'string') return `${at} has a preview that is not base64 text`
  if (e.code !== undefined && typeof e.code !== 'string') return `${at} has a code that is not text`
  return undefined
}

/**
 * The events of a feed message, their shared fields filled in from its table (in place: events of
 * one batch then share one copy of each value). Refuses an event without its kind, time or any
 * other field of its own, and a reference that is not in the table or points to a value of the
 * wrong kind, so that no event reaches the views half made.
 */
export function decodeEvents(message: EventsMessage): LabEvent[] {
  const { events, shared } = message as { events: unknown; shared: unknown }
  if (!Array.isArray(events) || !Array.isArray(shared)) throw new FeedMessageError('a batch of events came without its list or its table of shared values')
  const value = (e: Record<string, unknown>, field: SharedField, is: (v: unknown) => boolean, optional = false): void => {
    const index = e[field]
    if (index === undefined && optional) return
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= shared.length || !is(shared[index as number])) {
      throw new FeedMessageError(`event ${String(e.seq)} names no valid ${field} (${show(index)})`)
    }
    e[field] = shared[index as number]
  }
  for (const e of events as Record<string, unknown>[]) {
    if (typeof e !== 'object' || e === null) throw new FeedMessageError('a batch of events holds something that is not an event')
    const problem = eventProblem(e)
    if (problem) throw new FeedMessageError(problem)
    value(e, 'endpoint', isString)
    // A console line has its text; no other event carries words (they are made from the detail where shown).
    value(e, 'info', isString, e.kind !== 'console')
    value(e, 'detail', isRecord)
    value(e, 'local', isSockAddr, true)
    value(e, 'remote', isSockAddr, true)
    if (e.kind === 'lifecycle') {
      const problem = lifecycleProblem(e.detail as Record<string, unknown>)
      if (problem) throw new FeedMessageError(`event ${String(e.seq)} ${problem}`)
    }
  }
  return events as LabEvent[]
}

const HOWS = new Set(['stopped', 'closed', 'cancelled', 'failed', 'shutdown'])
const ACTIVITIES = new Set(['idle', 'connecting', 'connected', 'waiting'])

/** What is wrong with a lifecycle event's detail (windows adopt endpoints from these), or undefined. */
function lifecycleProblem(d: Record<string, unknown>): string | undefined {
  switch (d.step) {
    case 'started':
      if (!isCount(d.n) || !isRecord(d.config) || typeof (d.config as Record<string, unknown>).kind !== 'string') return 'starts an endpoint without its number or config'
      if (d.console !== undefined && typeof d.console !== 'string') return 'starts an endpoint in no valid console'
      if (d.local !== undefined && !isSockAddr(d.local)) return 'starts an endpoint on no valid address'
      return undefined
    case 'activity':
      return ACTIVITIES.has(d.now as string) && (d.received === undefined || isCount(d.received)) && (d.url === undefined || typeof d.url === 'string') ? undefined : `says no valid activity (${show(d.now)})`
    case 'stopped':
      return HOWS.has(d.how as string) ? undefined : `says no valid stop (${show(d.how)})`
    default:
      return `is no valid step of an endpoint's life (${show(d.step)})`
  }
}

const STEPS: Record<WireStep, true> = { 'handshake-1': true, 'handshake-2': true, 'handshake-3': true, 'client-close': true, 'server-close': true, 'last-ack': true, reset: true }
const FLAGS = new Set<string>(TCP_FLAGS)

/** A retransmission's seq, or a duplicate ACK's ack and count (TcpAnalysis). */
const isAnalysis = (v: unknown): boolean => {
  const a = v as Record<string, unknown>
  if (!isRecord(v)) return false
  if (a.kind === 'retransmission') return isCount(a.seq)
  return a.kind === 'dup-ack' && isCount(a.ack) && isCount(a.count) && (a.count as number) > 0
}

/** What is wrong with a packet, or undefined: every field the views read, as WirePacket types it. */
function packetProblem(p: unknown): string | undefined {
  if (!isRecord(p)) return 'a batch of packets holds something that is not a packet'
  const q = p as Record<string, unknown>
  if (!isCount(q.no) || q.no === 0) return `a packet has no valid number (${show(q.no)})`
  const at = `packet ${q.no as number}`
  if (!isTime(q.time)) return `${at} has no valid time (${show(q.time)})`
  if (q.proto !== 'TCP' && q.proto !== 'UDP') return `${at} has no valid proto (${show(q.proto)})`
  if (q.family !== 'IPv4' && q.family !== 'IPv6') return `${at} has no valid family (${show(q.family)})`
  if (!isSockAddr(q.src) || !isSockAddr(q.dst)) return `${at} has no valid source or destination`
  if (typeof q.conversation !== 'string') return `${at} belongs to no conversation`
  if (!Array.isArray(q.flags) || !q.flags.every((f) => FLAGS.has(f as string))) return `${at} has no valid TCP flags (${show(q.flags)})`
  if (!isCount(q.length)) return `${at} has no valid length (${show(q.length)})`
  for (const field of ['seq', 'ack', 'window'] as const) if (q[field] !== undefined && !isCount(q[field])) return `${at} has no valid ${field} (${show(q[field])})`
  if (q.sender !== undefined && !SIDES.has(q.sender as string)) return `${at} has no valid sender (${show(q.sender)})`
  if (q.step !== undefined && !(typeof q.step === 'string' && Object.hasOwn(STEPS, q.step))) return `${at} has no valid step (${show(q.step)})`
  if (q.analysis !== undefined && !isAnalysis(q.analysis)) return `${at} has no valid analysis (${show(q.analysis)})`
  return undefined
}

/** The packets of a feed message and the count skipped before them; refuses a batch with anything a view could not read. */
export function decodePackets(message: PacketsMessage): { packets: WirePacket[]; skipped: number } {
  const { packets, packetsSkipped } = message as { packets: unknown; packetsSkipped: unknown }
  if (!Array.isArray(packets)) throw new FeedMessageError(`a batch of packets came without its list (${show(packets)})`)
  if (packetsSkipped !== undefined && !isCount(packetsSkipped)) throw new FeedMessageError(`a batch of packets has no valid count of skipped packets (${show(packetsSkipped)})`)
  for (const p of packets) {
    const problem = packetProblem(p)
    if (problem) throw new FeedMessageError(problem)
  }
  return { packets: packets as WirePacket[], skipped: (packetsSkipped as number | undefined) ?? 0 }
}

/** A value in a line of the console: short, whatever the host sent. */
const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

/** A whole number from 0: seq, conn, a length, a packet's number. */
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0
/** A time: microseconds, the lab's (from its start) or the capture's (since the epoch). */
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v)
const isString = (v: unknown): boolean => typeof v === 'string'
const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v)
const isSockAddr = (v: unknown): boolean => {
  const a = v as Record<string, unknown>
  return isRecord(v) && typeof a.address === 'string' && typeof a.port === 'number' && (a.family === 'IPv4' || a.family === 'IPv6')
}

export type EventsListener = (batch: LabEvent[], replay: boolean) => void
export type PacketsListener = (batch: WirePacket[], skipped: number) => void

/**
 * A window's side of the feeds, for both transports: subscribing says "ready" to the host (which
 * starts the feed over with its replay), and each message the host sends goes to the listeners.
 */
export class FeedListeners {
  private readonly events = new Set<EventsListener>()
  private readonly packets = new Set<PacketsListener>()
  private readonly windows = new Set<(message: WindowsMessage) => void>()

  constructor(private readonly ready: (feed: FeedName) => void) {}

  onEvents(listener: EventsListener): () => void {
    this.events.add(listener)
    this.ready('events')
    return () => void this.events.delete(listener)
  }

  onPackets(listener: PacketsListener): () => void {
    this.packets.add(listener)
    this.ready('packets')
    return () => void this.packets.delete(listener)
  }

  /** The windows feed needs no ready: the host sends it once the window has shared its view. */
  onWindows(listener: (message: WindowsMessage) => void): () => void {
    this.windows.add(listener)
    return () => void this.windows.delete(listener)
  }

  /**
   * Hands a message to the listeners. Every message is checked as the host checks every message to
   * it: one the window cannot read is left out, with one line on the console, and the next is read.
   */
  deliver(message: FeedMessage): void {
    const leftOut = (what: string, err: unknown): void => {
      if (!(err instanceof FeedMessageError)) throw err
      console.error(`socklab: ${what} from the host was left out: ${err.message}`)
    }
    if (!isRecord(message)) return leftOut('a message', new FeedMessageError(`it is not a feed message (${show(message)})`))
    if ('events' in message) {
      let events: LabEvent[]
      try {
        events = decodeEvents(message)
      } catch (err) {
        return leftOut('a batch of events', err)
      }
      for (const listener of this.events) listener(events, message.replay === true)
    } else if ('packets' in message) {
      let batch: { packets: WirePacket[]; skipped: number }
      try {
        batch = decodePackets(message)
      } catch (err) {
        return leftOut('a batch of packets', err)
      }
      for (const listener of this.packets) listener(batch.packets, batch.skipped)
    } else if ('windows' in message) {
      const windows = windowsMessageSchema.safeParse(message)
      if (!windows.success) return leftOut('a list of windows', new FeedMessageError(windows.error.issues[0]?.message ?? 'it does not list windows'))
      for (const listener of this.windows) listener(windows.data)
    } else if ('skipped' in message) {
      // A skip notice is not shown yet: the packet log's numbering already shows the gap.
      const s = message.skipped as unknown as Record<string, unknown>
      if (!isRecord(s) || !isCount(s.events) || !isCount(s.firstSeq) || !isCount(s.lastSeq)) leftOut('a skip notice', new FeedMessageError(`it counts nothing (${show(s)})`))
    } else leftOut('a message', new FeedMessageError(`it is of no feed this window knows (${Object.keys(message).join(', ') || 'no fields'})`))
  }
}
