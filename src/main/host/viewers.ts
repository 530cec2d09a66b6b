// The browser host's viewers: lab windows, each on a WebSocket. A viewer that does not read must
// never slow or grow the host. Each batch of events is serialized once and the same bytes go to
// every viewer that keeps up; past VIEWER_SKIP_ABOVE_BYTES waiting, a viewer's events are skipped
// and counted (it is told how many once it catches up) and its calls wait; past
// VIEWER_DROP_ABOVE_BYTES it is dropped.

import type { WebSocket } from 'ws'
import type { LabEvent } from '../../shared/events'
import { MAX_VIEWERS, VIEWER_DROP_ABOVE_BYTES, VIEWER_SKIP_ABOVE_BYTES } from '../../shared/limits'
import type { HostMessage, SkippedMessage } from '../../shared/ws-protocol'
import type { Lab } from '../lab/lab'
import { EventBatcher } from './event-batcher'

/** How often a viewer that fell behind is checked for having caught up, when no events come to do it. */
const CATCH_UP_CHECK_MS = 100

export class Viewer {
  private skipped: SkippedMessage['skipped'] | undefined
  private checking: NodeJS.Timeout | undefined

  constructor(private readonly ws: WebSocket) {}

  /** A batch for this viewer: `encoded` serializes it once for all viewers, on first need. */
  offer(batch: readonly LabEvent[], encoded: () => Buffer): void {
    if (!this.open() || !this.caughtUp()) return this.skip(batch)
    this.ws.send(encoded(), { binary: false })
  }

  /** A reply to one of its calls: it cannot be skipped, so a viewer this far behind is dropped. */
  reply(message: HostMessage): void {
    if (!this.open()) return
    if (this.ws.bufferedAmount > VIEWER_DROP_ABOVE_BYTES) return this.drop()
    this.ws.send(JSON.stringify(message))
  }

  /** A call arrived: a viewer that is behind gets no more read from it until it catches up. */
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

  /**
   * Whether events may go out now. A viewer that was skipping catches up only once everything
   * queued for it was handed to the system (not merely under the cap), so that it does not
   * flicker between skipping and not; it is then told what it missed.
   */
  private caughtUp(): boolean {
    const waiting = this.ws.bufferedAmount
    if (!this.skipped) return waiting <= VIEWER_SKIP_ABOVE_BYTES
    if (waiting > 0) return false
    const notice: SkippedMessage = { skipped: this.skipped }
    this.skipped = undefined
    this.dispose()
    this.ws.resume()
    this.ws.send(JSON.stringify(notice))
    return true
  }

  private skip(batch: readonly LabEvent[]): void {
    if (!this.open() || batch.length === 0) return
    this.skipped ??= { events: 0, firstSeq: batch[0].seq, lastSeq: 0 }
    this.skipped.events += batch.length
    this.skipped.lastSeq = batch[batch.length - 1].seq
    this.watch()
  }

  /** Checks now and then whether a viewer that is behind caught up, also when the lab is quiet. */
  private watch(): void {
    this.checking ??= setInterval(() => {
      if (!this.open()) return this.dispose()
      if (this.ws.bufferedAmount > 0) return
      if (this.skipped) this.caughtUp()
      else {
        this.dispose()
        this.ws.resume()
      }
    }, CATCH_UP_CHECK_MS).unref()
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

  constructor(private readonly lab: Lab) {
    lab.on('event', this.batcher.push)
  }

  /** A new window's socket; null (and the socket closed with a reason) when MAX_VIEWERS are open. */
  add(ws: WebSocket): Viewer | null {
    if (this.all.size >= MAX_VIEWERS) {
      ws.close(1013, `socklab serves at most ${MAX_VIEWERS} windows at once: close one, then reload`)
      return null
    }
    const viewer = new Viewer(ws)
    this.all.add(viewer)
    ws.once('close', () => {
      viewer.dispose()
      this.all.delete(viewer)
    })
    return viewer
  }

  get size(): number {
    return this.all.size
  }

  dispose(): void {
    this.lab.off('event', this.batcher.push)
    this.batcher.dispose()
    for (const viewer of this.all) viewer.dispose()
    this.all.clear()
  }

  private deliver(batch: LabEvent[]): void {
    let frame: Buffer | undefined
    const encoded = (): Buffer => (frame ??= Buffer.from(JSON.stringify({ events: batch } satisfies HostMessage)))
    for (const viewer of this.all) viewer.offer(batch, encoded)
  }
}
