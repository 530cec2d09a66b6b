// The packet log's rows: the store's events that pass the filter, kept up to date incrementally
// (new events appended, dropped ones trimmed) so that a busy lab costs per new event, not per row.

import type { LabEvent, Proto } from '../../../shared/events'
import type { EventStore } from '../feed/event-store'
import { endpointsOf } from './format'
import { decodeBase64 } from './hex-dump'
import { englishT, eventWords } from '../../../shared/event-words'

export interface LogFilter {
  proto: Proto | 'all'
  /** A console key (the "Server" or "Client 2" the student knows), or 'all'. */
  endpoint: string
  text: string
  /** Console lines are in the consoles already; the log shows them only on request. */
  consoleLines: boolean
}

export const NO_FILTER: LogFilter = { proto: 'all', endpoint: 'all', text: '', consoleLines: false }

/** Which console (server or client tab) an endpoint id belongs to, if known. */
export type KeyOf = (endpointId: string) => string | undefined

const utf8 = new TextDecoder('utf-8')
/** Payload text, lower-cased, per event; redone if the event's preview was cut since (see PreviewBudget). */
const payloadCache = new WeakMap<LabEvent, { length: number; text: string }>()

/** The payload an event carries as lower-case text (UTF-8; other bytes become U+FFFD). */
export function payloadText(e: LabEvent): string {
  if (!e.preview) return ''
  const cached = payloadCache.get(e)
  if (cached && cached.length === e.preview.length) return cached.text
  const text = utf8.decode(decodeBase64(e.preview)).toLowerCase()
  payloadCache.set(e, { length: e.preview.length, text })
  return text
}

/** Bytes written as the hex pane shows them ("68 65 6c", two or more) or as 0x686566: the bytes, else null. */
export function hexQuery(text: string): Uint8Array | null {
  const t = text.trim().toLowerCase()
  const spaced = /^[0-9a-f]{2}(?: [0-9a-f]{2})+$/.test(t)
  const prefixed = /^0x(?:[0-9a-f]{2})+$/.test(t)
  if (!spaced && !prefixed) return null
  const digits = prefixed ? t.slice(2) : t.replaceAll(' ', '')
  return Uint8Array.from({ length: digits.length / 2 }, (_, i) => parseInt(digits.slice(2 * i, 2 * i + 2), 16))
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/** An event's words as the log shows them now (in the window's language). */
export type WordsOf = (e: LabEvent) => string
const inEnglish: WordsOf = (e) => eventWords(e, englishT())

/** Whether the event passes the filter; its text is looked for in the words the log shows (`words`, in the window's language). */
export function matches(e: LabEvent, f: LogFilter, keyOf: KeyOf = () => undefined, words: WordsOf = inEnglish): boolean {
  if (!f.consoleLines && e.kind === 'console') return false
  if (f.proto !== 'all' && e.proto !== f.proto) return false
  if (f.endpoint !== 'all' && keyOf(e.endpoint) !== f.endpoint) return false
  if (!f.text) return true
  const text = f.text.toLowerCase()
  const { source, destination } = endpointsOf(e)
  if (words(e).toLowerCase().includes(text) || source.includes(text) || destination.includes(text) || e.kind.includes(text) || payloadText(e).includes(text)) return true
  const bytes = e.preview ? hexQuery(text) : null
  return bytes !== null && containsBytes(decodeBase64(e.preview!), bytes)
}

export class LogView {
  rows: LabEvent[] = []
  /** Characters of the longest Source or Destination among the rows (until a filter or a clear): the log's layout makes room for it. */
  widestAddress = 0
  /** Time of the first event since the log was opened or cleared: the zero of the Time column. */
  base?: number
  private seen = 0

  constructor(
    private readonly store: EventStore,
    public filter: LogFilter = NO_FILTER,
    private readonly keyOf: KeyOf = () => undefined,
    /** The words the Info column shows, which the text filter searches: the window sets its language's. */
    public words: WordsOf = inEnglish
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
      if (matches(e, this.filter, this.keyOf, this.words)) {
        this.rows.push(e)
        this.widestAddress = Math.max(this.widestAddress, addressChars(e))
        changed = true
      }
    }
    if (all.length > 0) this.seen = all[all.length - 1].seq
    return changed
  }

  setFilter(filter: LogFilter): void {
    this.filter = filter
    this.rows = this.store.all().filter((e) => matches(e, filter, this.keyOf, this.words))
    this.widestAddress = this.rows.reduce((most, e) => Math.max(most, addressChars(e)), 0)
  }

  clear(): void {
    this.rows = []
    this.widestAddress = 0
    this.base = undefined
  }

  /** Events received but not yet taken in (while paused). */
  behind(): number {
    return Math.max(0, this.store.stats.lastSeq - this.seen)
  }
}

/** The characters of an event's longer address, as the Source and Destination cells show it. */
function addressChars(e: LabEvent): number {
  const { source, destination } = endpointsOf(e)
  return Math.max(source.length, destination.length)
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
