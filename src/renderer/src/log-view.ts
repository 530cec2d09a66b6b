// The packet log's rows: the store's events that pass the filter, kept up to date incrementally
// (new events appended, dropped ones trimmed) so that a busy lab costs per new event, not per row.

import type { LabEvent, Proto } from '../../shared/events'
import type { EventStore } from './event-store'
import { endpointsOf } from './format'

export interface LogFilter {
  proto: Proto | 'all'
  endpoint: string
  text: string
  /** Console lines are in the consoles already; the log shows them only on request. */
  consoleLines: boolean
}

export const NO_FILTER: LogFilter = { proto: 'all', endpoint: 'all', text: '', consoleLines: false }

export function matches(e: LabEvent, f: LogFilter): boolean {
  if (!f.consoleLines && e.kind === 'console') return false
  if (f.proto !== 'all' && e.proto !== f.proto) return false
  if (f.endpoint !== 'all' && e.endpoint !== f.endpoint) return false
  if (!f.text) return true
  const text = f.text.toLowerCase()
  const { source, destination } = endpointsOf(e)
  return e.info.toLowerCase().includes(text) || source.includes(text) || destination.includes(text) || e.kind.includes(text)
}

export class LogView {
  rows: LabEvent[] = []
  /** Time of the first event since the log was opened or cleared: the zero of the Time column. */
  base?: number
  private seen = 0

  constructor(
    private readonly store: EventStore,
    public filter: LogFilter = NO_FILTER
  ) {}

  /** Takes in what the store received since the last call. Returns true if rows changed. */
  update(): boolean {
    const all = this.store.all()
    let changed = false
    const first = this.store.firstSeq()
    if (this.rows.length > 0 && this.rows[0].seq < first) {
      const keep = lowerBound(this.rows, first)
      this.rows.splice(0, keep)
      changed = true
    }
    for (let i = lowerBound(all, this.seen + 1); i < all.length; i++) {
      const e = all[i]
      this.base ??= e.time
      if (matches(e, this.filter)) {
        this.rows.push(e)
        changed = true
      }
    }
    if (all.length > 0) this.seen = all[all.length - 1].seq
    return changed
  }

  setFilter(filter: LogFilter): void {
    this.filter = filter
    this.rows = this.store.all().filter((e) => matches(e, filter))
  }

  clear(): void {
    this.rows = []
    this.base = undefined
  }

  /** Events received but not yet taken in (while paused). */
  behind(): number {
    return Math.max(0, this.store.stats.lastSeq - this.seen)
  }
}

/** Index of the first event with seq >= `seq` in a seq-sorted array. */
function lowerBound(events: readonly LabEvent[], seq: number): number {
  let lo = 0
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (events[mid].seq < seq) lo = mid + 1
    else hi = mid
  }
  return lo
}
