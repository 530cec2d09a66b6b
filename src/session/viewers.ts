// The session's viewers: lab windows, each behind a link its host gives it (a WebSocket, a
// window's IPC). Every viewer attaches the same way, whatever the host:
// - Nothing of a feed is sent until the viewer says it is ready for it. Until then the lab's ring
//   (and the capture's) holds what happens, so holding costs no memory.
// - On ready, the feed starts with what the host still holds (events marked as replay: first the
//   lifecycle events of endpoints that the ring has let go, Lab.lifecycleBefore, then the ring), then goes
//   on live. Both are read by sequence number, so events that happen while it attaches are
//   neither lost nor sent twice. Ready again (a reloaded page in the same window) starts over.
// Then a viewer that does not read must never slow or grow the host, and one that is merely slow
// should still see every event. This needs a transport that says how much the viewer has yet to
// read (`flow`: a WebSocket does, Electron's IPC does not):
// - Each batch is encoded (encodeEvents) and serialized once; the same bytes go to every viewer that keeps up.
// - A viewer with more than VIEWER_SKIP_ABOVE_BYTES waiting falls behind: nothing more is queued
//   for it, and its calls are not read. It catches up from the lab's ring (which holds the events
//   anyway, so a viewer that is behind costs no memory); events that left the ring before it got
//   there are skipped, and it is told how many.
// - A viewer with more than VIEWER_DROP_ABOVE_BYTES waiting when a reply is due is dropped.
// - Captured packets give way to events: a batch goes to a viewer only while it has less than
//   PACKETS_ROOM_BYTES waiting (and is not behind); otherwise it is counted, and the viewer is
//   told how many it missed with the next batch it gets, or as soon as it has room if none comes
//   (the pcapng export has them all).

import type { LabEvent } from '../shared/events'
import { encodeEvents, type EventsMessage, type FeedMessage, type FeedName, type SkippedMessage } from '../shared/feed'
import { VIEWER_DROP_ABOVE_BYTES, VIEWER_SKIP_ABOVE_BYTES } from '../shared/limits'
import type { WirePacket } from '../shared/wire'
import type { HostMessage } from '../shared/ws-protocol'
import type { Lab } from '../engine/lab'
import { EventBatcher, MAX_BATCH, MAX_PACKET_BATCH } from './event-batcher'
import type { LabCapture } from './lab-capture'

/** Packets are sent to a viewer only while less than this waits for it: events keep the rest of the room. */
export const PACKETS_ROOM_BYTES = VIEWER_SKIP_ABOVE_BYTES / 2

/** How often a viewer that is behind is checked for room, when no new events come to do it. */
const CATCH_UP_CHECK_MS = 50

/** How the session reaches one viewer: its host's transport. */
export interface ViewerLink {
  /** One message; `frame` is the same message serialized once for every viewer it goes to (a WebSocket sends that). */
  send(message: HostMessage, frame?: () => Buffer): void
  isOpen(): boolean
  /** A transport that says how much the viewer has yet to read gets flow control. */
  flow?: {
    /** Bytes sent that the viewer has not taken yet. */
    backlog(): number
    /** Stop and resume reading the viewer's calls. */
    pauseCalls(): void
    resumeCalls(): void
    /** Ends the connection: the viewer is too far behind to be sent a reply. */
    drop(): void
  }
}

/** What a viewer reads from the lab: its events while the ring still holds them. */
type EventSource = Pick<Lab, 'eventsFrom' | 'lastSeq' | 'lifecycleBefore'>
/** ... and from the capture: the packets it still holds. */
type PacketSource = Pick<LabCapture, 'history'>

export class Viewer {
  /** The seq of the last event sent; undefined until the viewer is ready for events. */
  private sent: number | undefined
  /** Events up to this seq were held when the viewer said it was ready: they go as the replay. */
  private replayThrough = 0
  /** While the viewer is behind (or replaying): the seq of the next event it needs. */
  private behindFrom: number | undefined
  /** The number of the last packet sent; undefined until the viewer is ready for packets. */
  private packetsSent: number | undefined
  /** Packets left out since the last batch it got. */
  private skippedPackets = 0
  private checking: NodeJS.Timeout | undefined

  constructor(
    private readonly link: ViewerLink,
    private readonly lab: EventSource,
    private readonly capture: PacketSource | undefined,
    private readonly onClose: (viewer: Viewer) => void
  ) {}

  /** The viewer listens to `feed` now: what the host holds first, then live. */
  ready(feed: FeedName): void {
    if (feed === 'events') {
      const oldest = this.lab.eventsFrom(0, 1)[0]?.seq ?? this.lab.lastSeq + 1
      // First what runs and what stopped lately, as the lifecycle events the ring has let go (each
      // with its own seq, so the replay stays in order): the window knows every endpoint from the feed.
      const kept = this.lab.lifecycleBefore(oldest)
      for (let i = 0; i < kept.length; i += MAX_BATCH) this.sendEvents(kept.slice(i, i + MAX_BATCH), true)
      this.sent = oldest - 1
      this.replayThrough = this.lab.lastSeq
      this.behindFrom = oldest
      this.catchUp()
      if (this.behindFrom !== undefined) this.watch()
      return
    }
    const held = this.capture?.history() ?? []
    for (let i = 0; i < held.length; i += MAX_PACKET_BATCH) this.send({ packets: held.slice(i, i + MAX_PACKET_BATCH) })
    this.packetsSent = held.at(-1)?.no ?? 0
    this.skippedPackets = 0
  }

  /** A batch of live events: `message` encodes it and `frame` serializes that, once for all viewers, on first need. */
  offer(batch: readonly LabEvent[], message: () => EventsMessage, frame: () => Buffer): void {
    if (this.sent === undefined || !this.link.isOpen() || batch.length === 0) return
    if (this.behindFrom === undefined && this.backlog() > VIEWER_SKIP_ABOVE_BYTES) {
      this.behindFrom = this.sent + 1
      this.watch()
    }
    if (this.behindFrom !== undefined) return this.catchUp()
    // Events it already got from the ring (its replay, or catching up) may be in this batch too.
    if (batch[0].seq > this.sent) this.link.send(message(), frame)
    else this.sendEvents(batch.filter((e) => e.seq > this.sent!))
    this.sent = Math.max(this.sent, batch[batch.length - 1].seq)
  }

  /** Captured packets: only while the viewer has room to spare, so that they never delay an event. */
  offerPackets(batch: readonly WirePacket[], frame: () => Buffer): void {
    const after = this.packetsSent
    if (after === undefined || !this.link.isOpen() || batch.length === 0) return
    // Packets it got in its replay may be in this batch too.
    const fresh = batch[0].no > after ? batch : batch.filter((p) => p.no > after)
    if (fresh.length === 0) return
    this.packetsSent = fresh[fresh.length - 1].no
    if (this.behindFrom !== undefined || this.backlog() > PACKETS_ROOM_BYTES) {
      this.skippedPackets += fresh.length
      // The count must reach it even if this was the flood's last batch.
      this.watch()
      return
    }
    if (this.skippedPackets === 0 && fresh === batch) return this.link.send({ packets: batch as WirePacket[] }, frame)
    this.send({ packets: [...fresh], ...(this.skippedPackets ? { packetsSkipped: this.skippedPackets } : {}) })
    this.skippedPackets = 0
  }

  /** A reply to one of its calls: it cannot be skipped, so a viewer this far behind is dropped. */
  reply(message: HostMessage): void {
    if (!this.link.isOpen()) return
    if (this.backlog() > VIEWER_DROP_ABOVE_BYTES) {
      this.stopWatching()
      return this.link.flow?.drop()
    }
    this.link.send(message)
  }

  /** A call arrived: from a viewer that is behind, nothing more is read until it has room again. */
  called(): void {
    if (!this.link.flow || this.backlog() <= VIEWER_SKIP_ABOVE_BYTES) return
    this.link.flow.pauseCalls()
    this.watch()
  }

  isOpen(): boolean {
    return this.link.isOpen()
  }

  /** A small message outside the feeds (the windows list): sent as it is, unless the window is too far behind to read it. */
  tell(message: HostMessage): void {
    if (this.link.isOpen() && this.backlog() <= VIEWER_SKIP_ABOVE_BYTES) this.link.send(message)
  }

  /** Its link closed: it is fed no more. */
  close(): void {
    this.stopWatching()
    this.onClose(this)
  }

  private backlog(): number {
    return this.link.flow?.backlog() ?? 0
  }

  private send(message: FeedMessage): void {
    this.link.send(message)
  }

  /** Sends what it lacks from the ring while it has room; once it has everything it keeps up again. */
  private catchUp(): void {
    while (this.behindFrom !== undefined && this.link.isOpen() && this.backlog() <= VIEWER_SKIP_ABOVE_BYTES) {
      const first = this.lab.eventsFrom(this.behindFrom, 1)[0]?.seq ?? this.lab.lastSeq + 1
      if (first > this.behindFrom) {
        // They left the ring before it got there.
        const notice: SkippedMessage = { skipped: { events: first - this.behindFrom, firstSeq: this.behindFrom, lastSeq: first - 1 } }
        this.send(notice)
        this.sent = first - 1
        this.behindFrom = first
      }
      if (this.behindFrom > this.lab.lastSeq) {
        this.behindFrom = undefined
        break
      }
      // A batch is all replay or all live, so that the window can tell them apart.
      const replay = this.behindFrom <= this.replayThrough
      const events = this.lab.eventsFrom(this.behindFrom, replay ? Math.min(MAX_BATCH, this.replayThrough - this.behindFrom + 1) : MAX_BATCH)
      this.sendEvents(events, replay)
      this.sent = events[events.length - 1].seq
      this.behindFrom = this.sent + 1
    }
  }

  private sendEvents(events: LabEvent[], replay = false): void {
    if (events.length) this.send(replay ? { ...encodeEvents(events), replay } : encodeEvents(events))
  }

  /** While it is behind, its calls wait or it owes a count of skipped packets, checks it now and then, also when the lab is quiet. */
  private watch(): void {
    this.checking ??= setInterval(() => {
      if (!this.link.isOpen()) return this.stopWatching()
      if (this.backlog() > VIEWER_SKIP_ABOVE_BYTES) return
      this.link.flow?.resumeCalls()
      this.catchUp()
      this.reportSkippedPackets()
      if (this.behindFrom === undefined && this.skippedPackets === 0) this.stopWatching()
    }, CATCH_UP_CHECK_MS).unref()
  }

  /** Packets it missed, told without a batch (none came since): the window's count stays honest. */
  private reportSkippedPackets(): void {
    if (this.skippedPackets === 0 || this.behindFrom !== undefined || this.backlog() > PACKETS_ROOM_BYTES) return
    this.send({ packets: [], packetsSkipped: this.skippedPackets })
    this.skippedPackets = 0
  }

  private stopWatching(): void {
    clearInterval(this.checking)
    this.checking = undefined
  }
}

/** Every viewer of one lab, fed from one batcher per feed: a batch costs one serialization however many watch. */
export class Viewers {
  private readonly all = new Set<Viewer>()
  /** Hears the number of viewers each time one comes or goes. */
  onCount?: (count: number) => void
  private readonly batcher = new EventBatcher((batch) => this.deliver(batch))
  private readonly packets = new EventBatcher<WirePacket>((batch) => this.deliverPackets(batch), MAX_PACKET_BATCH)

  constructor(
    private readonly lab: Pick<Lab, 'on' | 'off'> & EventSource,
    private readonly capture?: Pick<LabCapture, 'on' | 'off'> & PacketSource,
    /** Told when a viewer's link closes. */
    private readonly onGone?: (viewer: Viewer) => void
  ) {
    lab.on('event', this.batcher.push)
    capture?.on('packets', this.packets.pushAll)
  }

  get size(): number {
    return this.all.size
  }

  /** A new viewer on `link`: it is sent nothing until it says it is ready for a feed. */
  attach(link: ViewerLink): Viewer {
    const viewer = new Viewer(link, this.lab, this.capture, (v) => {
      if (this.all.delete(v)) this.onCount?.(this.all.size)
      this.onGone?.(v)
    })
    this.all.add(viewer)
    this.onCount?.(this.all.size)
    return viewer
  }

  dispose(): void {
    this.onCount = undefined
    this.lab.off('event', this.batcher.push)
    this.capture?.off('packets', this.packets.pushAll)
    this.batcher.dispose()
    this.packets.dispose()
    for (const viewer of [...this.all]) viewer.close()
  }

  private deliver(batch: LabEvent[]): void {
    let message: EventsMessage | undefined
    let frame: Buffer | undefined
    const encoded = (): EventsMessage => (message ??= encodeEvents(batch))
    const serialized = (): Buffer => (frame ??= Buffer.from(JSON.stringify(encoded() satisfies HostMessage)))
    for (const viewer of this.all) viewer.offer(batch, encoded, serialized)
  }

  private deliverPackets(batch: WirePacket[]): void {
    let frame: Buffer | undefined
    const encoded = (): Buffer => (frame ??= Buffer.from(JSON.stringify({ packets: batch } satisfies HostMessage)))
    for (const viewer of this.all) viewer.offerPackets(batch, encoded)
  }
}
