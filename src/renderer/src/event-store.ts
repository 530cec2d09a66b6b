// Every event this window has received, in order, bounded like the engine's ring: once full,
// the oldest go. Views subscribe and are told once per animation frame that rows were added.

import type { LabEvent } from '../../shared/events'
import { DEFAULT_RING_SIZE } from '../../shared/events'

export interface StoreStats {
  /** Events received by this window since it opened. */
  received: number
  /** Events held now. */
  rendered: number
  lastSeq: number
  /** Events dropped because the store was full. */
  dropped: number
}

export class EventStore {
  private events: LabEvent[] = []
  private readonly listeners = new Set<() => void>()
  private scheduled = false
  readonly stats: StoreStats = { received: 0, rendered: 0, lastSeq: 0, dropped: 0 }

  constructor(
    readonly capacity = DEFAULT_RING_SIZE,
    private readonly schedule: (run: () => void) => void = (run) => requestAnimationFrame(run)
  ) {}

  /**
   * Takes in a batch and returns the events in it that are new. The host's history and its live
   * stream can overlap (events batched before the history reply, or held for a window until it
   * listens): an event whose seq was seen already is skipped, so nothing is shown twice.
   */
  add(input: readonly LabEvent[]): readonly LabEvent[] {
    const batch = input.length > 0 && input[0].seq <= this.stats.lastSeq ? input.filter((e) => e.seq > this.stats.lastSeq) : input
    if (batch.length === 0) return batch
    for (const e of batch) this.events.push(e)
    this.stats.received += batch.length
    this.stats.lastSeq = batch[batch.length - 1].seq
    // Trim in slices of a tenth of the capacity, not one by one: a shift per event would be quadratic.
    const over = this.events.length - this.capacity
    if (over > 0) {
      const cut = Math.min(this.events.length, over + Math.floor(this.capacity / 10))
      this.events.splice(0, cut)
      this.stats.dropped += cut
    }
    this.stats.rendered = this.events.length
    this.notify()
    return batch
  }

  clear(): void {
    this.stats.dropped += this.events.length
    this.events = []
    this.stats.rendered = 0
    this.notify()
  }

  /** All events held, oldest first. The array is live: read it, never change it. */
  all(): readonly LabEvent[] {
    return this.events
  }

  /** The seq of the oldest event held (events before it were dropped or cleared). */
  firstSeq(): number {
    return this.events[0]?.seq ?? this.stats.lastSeq + 1
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private notify(): void {
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => {
      this.scheduled = false
      for (const listener of this.listeners) listener()
    })
  }
}
