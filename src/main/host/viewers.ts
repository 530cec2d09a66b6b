// The browser host's viewers: lab windows, each on a WebSocket. A viewer that does not read must
// never slow or grow the host, and one that is merely slow should still see every event.
// - Each batch is serialized once; the same bytes go to every viewer that keeps up.
// - A viewer with more than VIEWER_SKIP_ABOVE_BYTES waiting falls behind: nothing more is queued
//   for it, and its calls are not read. It catches up from the lab's ring (which holds the events
//   anyway, so a viewer that is behind costs no memory); events that left the ring before it got
//   there are skipped, and it is told how many.
// - A viewer with more than VIEWER_DROP_ABOVE_BYTES waiting when a reply is due is dropped.
// - Captured packets give way to events: a batch goes to a viewer only while it has less than
//   PACKETS_ROOM_BYTES waiting (and is not behind); otherwise it is counted, and the viewer is
//   told how many it missed with the next batch it gets, or as soon as it has room if none comes
//   (the pcapng export has them all).

import type { WebSocket } from 'ws'
import type { LabEvent } from '../../shared/events'
import { MAX_VIEWERS, VIEWER_DROP_ABOVE_BYTES, VIEWER_SKIP_ABOVE_BYTES } from '../../shared/limits'
import type { WirePacket } from '../../shared/wire'
import type { HostMessage, SkippedMessage } from '../../shared/ws-protocol'
import type { Lab } from '../lab/lab'
import { EventBatcher, MAX_BATCH, MAX_PACKET_BATCH } from './event-batcher'
import type { LabCapture } from './lab-capture'

/** Packets are sent to a viewer only while less than this waits for it: events keep the rest of the room. */
export const PACKETS_ROOM_BYTES = VIEWER_SKIP_ABOVE_BYTES / 2

/** How often a viewer that is behind is checked for room, when no new events come to do it. */
const CATCH_UP_CHECK_MS = 50

/** What a viewer reads from the lab: its events while the ring still holds them. */
type EventSource = Pick<Lab, 'eventsFrom' | 'lastSeq'>

export class Viewer {
  /** The seq of the last event sent. */
  private sent: number
  /** While the viewer is behind: the seq of the next event it needs. */
  private behindFrom: number | undefined
  private checking: NodeJS.Timeout | undefined
  /** Packets left out since the last batch it got. */
  private skippedPackets = 0

  constructor(
    private readonly ws: WebSocket,
    private readonly lab: EventSource
  ) {
    // Events before it opened are not its to receive: a window asks for history() itself.
    this.sent = lab.lastSeq
  }

  /** A batch for this viewer: `encoded` serializes it once for all viewers, on first need. */
  offer(batch: readonly LabEvent[], encoded: () => Buffer): void {
    if (!this.open() || batch.length === 0) return
    if (this.behindFrom === undefined && this.ws.bufferedAmount > VIEWER_SKIP_ABOVE_BYTES) {
      this.behindFrom = this.sent + 1
      this.watch()
    }
    if (this.behindFrom !== undefined) return this.catchUp()
    // Events it already got while catching up from the ring may be in this batch too.
    if (batch[0].seq > this.sent) this.ws.send(encoded(), { binary: false })
    else this.sendEvents(batch.filter((e) => e.seq > this.sent))
    this.sent = Math.max(this.sent, batch[batch.length - 1].seq)
  }

  /** Captured packets: only while the viewer has room to spare, so that they never delay an event. */
  offerPackets(batch: readonly WirePacket[], encoded: () => Buffer): void {
    if (!this.open() || batch.length === 0) return
    if (this.behindFrom !== undefined || this.ws.bufferedAmount > PACKETS_ROOM_BYTES) {
      this.skippedPackets += batch.length
      // The count must reach it even if this was the flood's last batch.
      this.watch()
      return
    }
    if (this.skippedPackets === 0) return this.ws.send(encoded(), { binary: false })
    this.ws.send(JSON.stringify({ packets: [...batch], packetsSkipped: this.skippedPackets } satisfies HostMessage))
    this.skippedPackets = 0
  }

  /** A reply to one of its calls: it cannot be skipped, so a viewer this far behind is dropped. */
  reply(message: HostMessage): void {
    if (!this.open()) return
    if (this.ws.bufferedAmount > VIEWER_DROP_ABOVE_BYTES) return this.drop()
    this.ws.send(JSON.stringify(message))
  }

  /** A call arrived: from a viewer that is behind, nothing more is read until it has room again. */
  called(): void {
    if (this.ws.bufferedAmount <= VIEWER_SKIP_ABOVE_BYTES) return
    this.ws.pause()
    this.watch()
  }

  dispose(): void {
    clearInterval(this.checking)
    this.checking = undefined
  }

  private open(): boolean {
    return this.ws.readyState === this.ws.OPEN
  }

  /** Sends what it missed from the ring while it has room; once it has everything it keeps up again. */
  private catchUp(): void {
    while (this.behindFrom !== undefined && this.open() && this.ws.bufferedAmount <= VIEWER_SKIP_ABOVE_BYTES) {
      const events = this.lab.eventsFrom(this.behindFrom, MAX_BATCH)
      const first = events[0]?.seq ?? this.lab.lastSeq + 1
      if (first > this.behindFrom) {
        const notice: SkippedMessage = { skipped: { events: first - this.behindFrom, firstSeq: this.behindFrom, lastSeq: first - 1 } }
        this.ws.send(JSON.stringify(notice))
        this.sent = first - 1
      }
      if (events.length === 0) {
        this.behindFrom = undefined
        break
      }
      this.sendEvents(events)
      this.sent = events[events.length - 1].seq
      this.behindFrom = this.sent + 1
    }
  }

  private sendEvents(events: LabEvent[]): void {
    if (events.length) this.ws.send(JSON.stringify({ events } satisfies HostMessage))
  }

  /** While it is behind, its calls wait or it owes a count of skipped packets, checks it now and then, also when the lab is quiet. */
  private watch(): void {
    this.checking ??= setInterval(() => {
      if (!this.open()) return this.dispose()
      if (this.ws.bufferedAmount > VIEWER_SKIP_ABOVE_BYTES) return
      this.ws.resume()
      this.catchUp()
      this.reportSkippedPackets()
      if (this.behindFrom === undefined && this.skippedPackets === 0) this.dispose()
    }, CATCH_UP_CHECK_MS).unref()
  }

  /** Packets it missed, told without a batch (none came since): the window's count stays honest. */
  private reportSkippedPackets(): void {
    if (this.skippedPackets === 0 || this.behindFrom !== undefined || this.ws.bufferedAmount > PACKETS_ROOM_BYTES) return
    this.ws.send(JSON.stringify({ packets: [], packetsSkipped: this.skippedPackets } satisfies HostMessage))
    this.skippedPackets = 0
  }

  private drop(): void {
    this.dispose()
    this.ws.terminate()
  }
}

/** Every viewer of one lab, fed from one batcher: a batch costs one serialization however many watch. */
export class Viewers {
  private readonly all = new Set<Viewer>()
  private readonly batcher = new EventBatcher((batch) => this.deliver(batch))
  private readonly packets = new EventBatcher<WirePacket>((batch) => this.deliverPackets(batch), MAX_PACKET_BATCH)

  constructor(
    private readonly lab: Lab,
    private readonly capture?: Pick<LabCapture, 'on' | 'off'>
  ) {
    lab.on('event', this.batcher.push)
    capture?.on('packets', this.packets.pushAll)
  }

  /** A new window's socket; null (and the socket closed with a reason) when MAX_VIEWERS are open. */
  add(ws: WebSocket): Viewer | null {
    if (this.all.size >= MAX_VIEWERS) {
      ws.close(1013, `socklab serves at most ${MAX_VIEWERS} windows at once: close one, then reload`)
      return null
    }
    const viewer = new Viewer(ws, this.lab)
    this.all.add(viewer)
    ws.once('close', () => {
      viewer.dispose()
      this.all.delete(viewer)
    })
    return viewer
  }

  dispose(): void {
    this.lab.off('event', this.batcher.push)
    this.capture?.off('packets', this.packets.pushAll)
    this.batcher.dispose()
    this.packets.dispose()
    for (const viewer of this.all) viewer.dispose()
    this.all.clear()
  }

  private deliver(batch: LabEvent[]): void {
    let frame: Buffer | undefined
    const encoded = (): Buffer => (frame ??= Buffer.from(JSON.stringify({ events: batch } satisfies HostMessage)))
    for (const viewer of this.all) viewer.offer(batch, encoded)
  }

  private deliverPackets(batch: WirePacket[]): void {
    let frame: Buffer | undefined
    const encoded = (): Buffer => (frame ??= Buffer.from(JSON.stringify({ packets: batch } satisfies HostMessage)))
    for (const viewer of this.all) viewer.offerPackets(batch, encoded)
  }
}
