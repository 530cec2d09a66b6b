// What the Lab remembers of endpoints once they stopped (StoppedInfo): the console each spoke in,
// what it was started with, and whether a client was in a call then. Their events stay in the ring long after, and a window that (re)loads
// places their lines with this. Bounded: only the newest stops are kept.

import type { StoppedInfo } from '../shared/contract'

/** More than a window shows: the ring's events of older stopped endpoints go to the lab's first tab. */
export const STOPPED_KEPT = 256

export class StoppedEndpoints {
  /** endpoint id → what is known of it, in the order they stopped (a Map keeps insertion order). */
  private readonly stopped = new Map<string, StoppedInfo>()

  constructor(private readonly max = STOPPED_KEPT) {}

  add(info: StoppedInfo): void {
    this.stopped.delete(info.id)
    this.stopped.set(info.id, info)
    if (this.stopped.size > this.max) this.stopped.delete(this.stopped.keys().next().value!)
  }

  /** Oldest stop first. */
  list(): StoppedInfo[] {
    return [...this.stopped.values()]
  }
}
