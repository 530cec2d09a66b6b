// Collects a Lab's events and hands them on in batches: one message per frame or so instead of
// one per event, which is what keeps the UI smooth at tens of thousands of events per second.

import type { LabEvent } from '../../shared/events'

export const FLUSH_MS = 16
export const MAX_BATCH = 4000

export class EventBatcher {
  private pending: LabEvent[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly deliver: (batch: LabEvent[]) => void) {}

  push = (event: LabEvent): void => {
    this.pending.push(event)
    if (this.pending.length >= MAX_BATCH) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS)
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
