// The feeds a host sends a window beside the replies to its calls: the lab's events and the
// captured packets. Both transports (Electron's IPC, the browser host's WebSocket) carry these same
// messages, and a window attaches to a feed the same way on both: it says it is ready for it, and
// the host sends what it still holds (the replay), then the live stream, with no gap and no
// duplicate. Until a window is ready, the host holds the feed for it.

import type { LabEvent } from './events'
import type { WirePacket } from './wire'

export type FeedName = 'events' | 'packets'

export function isFeedName(value: unknown): value is FeedName {
  return value === 'events' || value === 'packets'
}

/** Window → host: start (or, after a reload, start again) this feed with what the host holds. */
export interface ReadyMessage {
  ready: FeedName
}

/** Events in seq order; `replay` marks those the host held when the window said it was ready. */
export interface EventsMessage {
  events: LabEvent[]
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

export type FeedMessage = EventsMessage | PacketsMessage | SkippedMessage

export type EventsListener = (batch: LabEvent[], replay: boolean) => void
export type PacketsListener = (batch: WirePacket[], skipped: number) => void

/**
 * A window's side of the feeds, for both transports: subscribing says "ready" to the host (which
 * starts the feed over with its replay), and each message the host sends goes to the listeners.
 */
export class FeedListeners {
  private readonly events = new Set<EventsListener>()
  private readonly packets = new Set<PacketsListener>()

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

  deliver(message: FeedMessage): void {
    if ('events' in message) for (const listener of this.events) listener(message.events, message.replay === true)
    else if ('packets' in message) for (const listener of this.packets) listener(message.packets, message.packetsSkipped ?? 0)
    // A skip notice is not shown yet: the packet log's numbering already shows the gap.
  }
}
