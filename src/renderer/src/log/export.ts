// The log as files a student can keep or hand in: JSON (everything) and CSV (for spreadsheets).
// Both keep stable fields, the same in every language (kind, detail, addresses); the CSV's `info`
// column is the words the log shows, in the window's language.

import type { LabEvent } from '../../../shared/events'
import { endpointsOf, relativeSeconds } from './format'
import type { WordsOf } from './log-view'
import { englishT, eventWords } from '../../../shared/event-words'

export function toJson(events: readonly LabEvent[]): string {
  return JSON.stringify(events, null, 1)
}

const CSV_COLUMNS = ['no', 'time_s', 'source', 'destination', 'protocol', 'length', 'endpoint', 'event', 'info', 'payload_base64']

export function toCsv(events: readonly LabEvent[], base = events[0]?.time ?? 0, words: WordsOf = (e) => eventWords(e, englishT())): string {
  const rows = events.map((e) => {
    const { source, destination } = endpointsOf(e)
    return [e.seq, relativeSeconds(e.time, base), source, destination, e.proto, e.length, e.endpoint, e.kind, words(e), e.preview ?? ''].map(csvCell).join(',')
  })
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n'
}

/** Quotes a cell when needed, and defuses text a spreadsheet would run as a formula. */
export function csvCell(value: string | number): string {
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** Downloads what the host serves at `url` (same origin), under the name the host gives it. */
export function downloadUrl(url: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = ''
  a.click()
}
