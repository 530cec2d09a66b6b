// Every event this window has received, in order, bounded like the engine's ring: once full,
// the oldest go. Views subscribe and are told once per animation frame that rows were added.

import type { LabEvent } from '../../../shared/events'
import { DEFAULT_RING_SIZE } from '../../../shared/events'
import { PreviewBudget } from '../../../shared/preview-budget'

export interface StoreStats {
  /** Events received by this window since it opened. */
  received: number
  /** Events held now. */
  rendered: number
  lastSeq: number
  /** Events dropped because the store was full (never those the student cleared). */
  dropped: number
  /** Events up to this seq were cleared by the student: they are gone from the log for good. */
  clearedThrough: number
}

export class EventStore {
  private events: LabEvent[] = []
  private readonly listeners = new Set<() => void>()
  private scheduled = false
  /** Whole payloads for the newest events only, as in the engine: memory stays bounded. */
  private readonly budget = new PreviewBudget()
  readonly stats: StoreStats = { received: 0, rendered: 0, lastSeq: 0, dropped: 0, clearedThrough: 0 }

  constructor(
    readonly capacity = DEFAULT_RING_SIZE,
    private readonly schedule: (run: () => void) => void = (run) => requestAnimationFrame(run)
  ) {}

  /**
   * Takes in a batch and returns the events in it that are new (the consoles show those). The
   * host sends each event once (its replay, then live, by seq); as a safety net an event whose seq
   * was seen already is skipped, so nothing is ever shown twice. Events the student cleared are new
   * to the consoles, not to the log. Lifecycle events are new to the window (it follows the lab
   * from them), never rows of the log.
   */
  add(input: readonly LabEvent[]): readonly LabEvent[] {
    const batch = input.length > 0 && input[0].seq <= this.stats.lastSeq ? input.filter((e) => e.seq > this.stats.lastSeq) : input
    if (batch.length === 0) return batch
    for (const e of batch) {
      // An endpoint's start, activity and stop are for the window to follow the lab, not rows of the log.
      if (e.seq <= this.stats.clearedThrough || e.kind === 'lifecycle') continue
      this.events.push(e)
      this.budget.admit(e)
    }
    this.stats.received += batch.length
    this.stats.lastSeq = batch[batch.length - 1].seq
    // Trim in slices of a tenth of the capacity, not one by one: a shift per event would be quadratic.
    const over = this.events.length - this.capacity
    if (over > 0) {
      const cut = Math.min(this.events.length, over + Math.floor(this.capacity / 10))
      this.budget.dropThrough(this.events[cut - 1].seq)
      this.events.splice(0, cut)
      this.stats.dropped += cut
    }
    this.stats.rendered = this.events.length
    this.notify()
    return batch
  }

  /** Clears the log up to `seq` (everything received so far by default); later events still come in. */
  clear(seq = this.stats.lastSeq): void {
    this.stats.clearedThrough = Math.max(this.stats.clearedThrough, seq)
    const keep = this.events.findIndex((e) => e.seq > this.stats.clearedThrough)
    this.events = keep < 0 ? [] : this.events.slice(keep)
    this.budget.clear()
    for (const e of this.events) this.budget.admit(e)
    this.stats.rendered = this.events.length
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
