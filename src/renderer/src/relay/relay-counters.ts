// What the lab's relay did each way, counted from its events as they come (the window has no other
// source: a second window and a reload count the same from the feed's replay).

import type { LabEvent } from '../../../shared/events'
import { formatSockAddr } from '../../../shared/events'
import type { Direction } from '../../../shared/relay-events'
import type { EventStore } from '../feed/event-store'

export interface DirCounts {
  forwarded: number
  dropped: number
  duplicated: number
  delayed: number
}

export type RelayCounts = Record<Direction, DirCounts>

const zero = (): RelayCounts => ({ c2s: { forwarded: 0, dropped: 0, duplicated: 0, delayed: 0 }, s2c: { forwarded: 0, dropped: 0, duplicated: 0, delayed: 0 } })

/** Counts one relay's events, from the store's oldest held; a new object whenever a count changes. */
export class RelayCounter {
  private counts = zero()
  private seen = 0
  private target?: string

  constructor(
    private readonly store: EventStore,
    private readonly id: string | undefined
  ) {}

  subscribe = (listener: () => void): (() => void) => this.store.subscribe(listener)

  getSnapshot = (): RelayCounts => {
    if (!this.id) return this.counts
    const events = this.store.all()
    let changed = false
    for (const e of events) {
      if (e.seq <= this.seen) continue
      this.seen = e.seq
      if (e.endpoint === this.id && this.count(e)) changed = true
    }
    if (changed) this.counts = { c2s: { ...this.counts.c2s }, s2c: { ...this.counts.s2c } }
    return this.counts
  }

  private count(e: LabEvent): boolean {
    const c = this.counts
    switch (e.kind) {
      case 'relay':
        if (e.detail.what === 'listening') this.target = formatSockAddr(e.detail.target)
        return false
      case 'send': {
        // Out to the server: client → server; out to a client: server → client.
        const dir: Direction = e.remote && formatSockAddr(e.remote) === this.target ? 'c2s' : 's2c'
        c[dir].forwarded++
        return true
      }
      case 'drop':
        c[e.detail.dir].dropped++
        return true
      case 'duplicate':
        c[e.detail.dir].duplicated++
        return true
      case 'delay':
        c[e.detail.dir].delayed++
        return true
      default:
        return false
    }
  }
}
