// The feeds a host sends a window beside the replies to its calls: the lab's events and the
// captured packets. Both transports (Electron's IPC, the browser host's WebSocket) carry these same
// messages, and a window attaches to a feed the same way on both: it says it is ready for it, and
// the host sends what it still holds (the replay), then the live stream, with no gap and no
// duplicate. Until a window is ready, the host holds the feed for it.

import type { NamesAll } from './contract'
import type { LabEvent, SockAddr } from './events'
import type { WirePacket } from './wire'
import type { WindowsMessage } from './window-views'

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
  info: number
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
    const e: FeedEvent = { seq, time, endpoint: names(endpoint), role, proto, kind, conn, length, info: words(info), detail: details(detail) }
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

/**
 * The events of a feed message, their shared fields filled in from its table (in place: events of
 * one batch then share one copy of each value). Refuses a reference that is not in the table or
 * points to a value of the wrong kind, so that no event reaches the views half made.
 */
export function decodeEvents(message: EventsMessage): LabEvent[] {
  const { events, shared } = message as { events: unknown; shared: unknown }
  if (!Array.isArray(events) || !Array.isArray(shared)) throw new FeedMessageError('a batch of events came without its list or its table of shared values')
  const value = (e: Record<string, unknown>, field: SharedField, is: (v: unknown) => boolean, optional = false): void => {
    const index = e[field]
    if (index === undefined && optional) return
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= shared.length || !is(shared[index as number])) {
      throw new FeedMessageError(`event ${String(e.seq)} names no valid ${field} (${JSON.stringify(index)})`)
    }
    e[field] = shared[index as number]
  }
  for (const e of events as Record<string, unknown>[]) {
    if (typeof e !== 'object' || e === null) throw new FeedMessageError('a batch of events holds something that is not an event')
    value(e, 'endpoint', isString)
    value(e, 'info', isString)
    value(e, 'detail', isRecord)
    value(e, 'local', isSockAddr, true)
    value(e, 'remote', isSockAddr, true)
  }
  return events as LabEvent[]
}

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

  /** Hands a message to the listeners; one the window cannot read is left out, with a line on the console. */
  deliver(message: FeedMessage): void {
    if ('events' in message) {
      let events: LabEvent[]
      try {
        events = decodeEvents(message)
      } catch (err) {
        if (!(err instanceof FeedMessageError)) throw err
        return console.error(`socklab: a batch of events from the host was left out: ${err.message}`)
      }
      for (const listener of this.events) listener(events, message.replay === true)
    } else if ('packets' in message) for (const listener of this.packets) listener(message.packets, message.packetsSkipped ?? 0)
    else if ('windows' in message) for (const listener of this.windows) listener(message)
    // A skip notice is not shown yet: the packet log's numbering already shows the gap.
  }
}
