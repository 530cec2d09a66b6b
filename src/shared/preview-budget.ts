// Keeps the payload previews a log holds within PREVIEW_BUDGET_BYTES: the newest events keep their
// whole preview, older ones are cut to their first PREVIEW_HEAD_BYTES. The engine's ring and a
// window's store both use it, so neither grows with the size of what crossed the wire.

import type { LabEvent } from './events'
import { PREVIEW_BUDGET_BYTES, PREVIEW_HEAD_BYTES } from './events'

/** Base64 characters of the head: 4 for every 3 bytes. */
const HEAD_CHARS = (PREVIEW_HEAD_BYTES / 3) * 4

/** Base64 characters an event holds beyond its head. */
function excess(e: LabEvent): number {
  return e.preview && e.preview.length > HEAD_CHARS ? e.preview.length - HEAD_CHARS : 0
}

/**
 * The head of a preview as a string of its own: a plain slice would be a view into the whole
 * preview (V8 keeps the parent string alive), and the memory would never be given back.
 */
function headOf(preview: string): string {
  return preview.slice(0, HEAD_CHARS).split('').join('')
}

export class PreviewBudget {
  /** Events holding more than the head, oldest first; the live part starts at `start`. */
  private long: LabEvent[] = []
  private start = 0
  private held = 0
  private readonly limit: number

  constructor(budgetBytes = PREVIEW_BUDGET_BYTES) {
    this.limit = Math.ceil((budgetBytes * 4) / 3)
  }

  /** Base64 characters held beyond the heads (for tests and benchmarks). */
  get heldChars(): number {
    return this.held
  }

  /** Takes in a new event (the newest); cuts the oldest long previews once the budget is passed. */
  admit(e: LabEvent): void {
    const extra = excess(e)
    if (extra === 0) return
    this.long.push(e)
    this.held += extra
    while (this.held > this.limit && this.start < this.long.length - 1) {
      const old = this.long[this.start++]
      this.held -= excess(old)
      old.preview = headOf(old.preview!)
    }
    this.compact()
  }

  /** The log let go of every event up to `seq`: stop counting (and holding) them. */
  dropThrough(seq: number): void {
    while (this.start < this.long.length && this.long[this.start].seq <= seq) this.held -= excess(this.long[this.start++])
    this.compact()
  }

  clear(): void {
    this.long = []
    this.start = 0
    this.held = 0
  }

  /** Lets the queue's consumed front go now and then (a shift per event would be quadratic). */
  private compact(): void {
    if (this.start === this.long.length) this.clear()
    else if (this.start > 1024 && this.start * 2 > this.long.length) {
      this.long = this.long.slice(this.start)
      this.start = 0
    }
  }
}
