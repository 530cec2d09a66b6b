// Collects a Lab's events and hands them on in batches: one message per frame or so instead of
// one per event, which is what keeps the UI smooth at tens of thousands of events per second.

import type { LabEvent } from '../shared/events'

export const FLUSH_MS = 16
export const MAX_BATCH = 4000
/**
 * Captured packets in one message at most: a window parses a message in one go, and 4,000
 * packets (about 1 MB of JSON) kept it busy for tens of milliseconds when the capture caught up
 * after a pause.
 */
export const MAX_PACKET_BATCH = 1000

/** Events by default; captured packets go through one of their own. */
export class EventBatcher<T = LabEvent> {
  private pending: T[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly deliver: (batch: T[]) => void,
    private readonly maxBatch = MAX_BATCH
  ) {}

  push = (event: T): void => {
    this.pending.push(event)
    if (this.pending.length >= this.maxBatch) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS)
  }

  /** Many at once (the capture hands them over in batches already). */
  pushAll = (items: readonly T[]): void => {
    for (const item of items) this.push(item)
  }

  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (!this.pending.length) return
    const batch = this.pending
    this.pending = []
    this.deliver(batch)
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending = []
  }
}
