// Bundled by bench/i18n.mjs (rolldown) and run in Node: the log's Info of N events, rendered with
// the words at the edge (eventWords(event, t), an i18next t, English and Italian) and with the old
// English template strings (bench/baseline/event-words-en.ts, a frozen copy), in the same process.

import type { TFunction } from 'i18next'
import { eventWords, wordsOnce } from '../src/shared/event-words'
import { createI18n } from '../src/shared/i18n/i18n'
import { eventWords as englishTemplates } from './baseline/event-words-en'

type Words = (event: never, t: TFunction) => string

/** Events per slice of a turn (see wordsTurn). */
const SLICE = 10_000

/** Whether eventWords takes a t (issue 16's i18n-events work) or still stamps English itself. */
export const takesT = eventWords.length >= 2

const local = { family: 'IPv4', address: '127.0.0.1', port: 5000 }
const remote = { family: 'IPv4', address: '127.0.0.1', port: 41234 }

/** One of each kind a lab's log is full of, as the engine emits them (detail, role, proto, length). */
const SAMPLES = [
  { kind: 'listen', role: 'server', proto: 'TCP', length: 0, local, detail: { address: '0.0.0.0', port: 5000, mode: 'iterative', recvSize: 1024 } },
  { kind: 'accept', role: 'server', proto: 'TCP', length: 0, local, remote, detail: {} },
  { kind: 'accept', role: 'server', proto: 'TCP', length: 0, local, remote, detail: { backlogMs: 1234 } },
  { kind: 'connect', role: 'client', proto: 'TCP', length: 0, local: remote, remote: local, detail: { handshake: true } },
  { kind: 'send', role: 'client', proto: 'TCP', length: 11, local: remote, remote: local, detail: { what: 'bytes' } },
  { kind: 'recv', role: 'server', proto: 'TCP', length: 11, local, remote, detail: { what: 'stream', recvSize: 1024, leftover: 0, eof: false, waiting: 0 } },
  { kind: 'recv', role: 'server', proto: 'TCP', length: 2000, local, remote, detail: { what: 'stream', recvSize: 1024, leftover: 976, eof: true, waiting: 0 } },
  { kind: 'close', role: 'server', proto: 'TCP', length: 0, local, remote, detail: { closedBy: 'server', reason: 'served' } },
  { kind: 'close', role: 'server', proto: 'TCP', length: 0, local, remote, detail: { closedBy: 'server', reason: 'served', reset: { unread: 1976, atLeast: true } } },
  { kind: 'send', role: 'client', proto: 'UDP', length: 14, local: remote, remote: local, detail: { what: 'bytes' } },
  { kind: 'recv', role: 'server', proto: 'UDP', length: 14, local, remote, detail: { what: 'datagram', recvSize: 2048 } },
  { kind: 'send', role: 'client', proto: 'HTTP', length: 40, local: remote, remote: local, detail: { what: 'request', method: 'GET', target: '/', version: 'HTTP/1.0' } },
  { kind: 'send', role: 'server', proto: 'HTTP', length: 1800, local, remote, detail: { what: 'response', status: 200, streamed: false } },
  { kind: 'recv', role: 'client', proto: 'HTTP', length: 1500, local: remote, remote: local, detail: { what: 'http-read', recvSize: 1500, read: 1, statusLine: 'HTTP/1.1 200 OK', status: 200 } }
]

/** N events cycling through the samples, each its own object (as the window's store holds them). */
export function sampleEvents(n: number): object[] {
  return Array.from({ length: n }, (_, i) => structuredClone({ ...SAMPLES[i % SAMPLES.length], seq: i + 1 }))
}

/** Milliseconds to render every event's words once, and a checksum so that nothing is optimised away. */
function renderAll(events: object[], words: Words, t: TFunction): { ms: number; chars: number } {
  const t0 = performance.now()
  let chars = 0
  for (const e of events) chars += words(e as never, t).length
  return { ms: performance.now() - t0, chars }
}

/** `kept`: what the window reads at each pass of the text filter, each event worded once per language (wordsOnce). */
type Rendering = 'old' | 'again' | 'en' | 'it' | 'kept'

/** `again`: the old templates a second time, an A/A control: how far apart two equal renderings land here. */
export type WordsTurn = Record<Rendering, number> & {
  chars: Record<Rendering, number>
  /** Each slice's milliseconds, side by side (slices[k][i] next to slices[j][i]). */
  slices: Record<Rendering, number[]>
}

/**
 * One turn: the renderings interleaved in slices of SLICE events (old, en, again, it, then en,
 * again, it, old…), so that load from the rest of the machine, which comes and goes, weighs on all alike.
 */
export function wordsTurn(events: object[], turn: number): WordsTurn {
  const t = { en: createI18n('en').t as TFunction, it: createI18n('it').t as TFunction }
  const how: Record<Rendering, [Words, TFunction]> = {
    old: [englishTemplates as unknown as Words, t.en],
    again: [englishTemplates as unknown as Words, t.en],
    en: [eventWords as unknown as Words, t.en],
    it: [eventWords as unknown as Words, t.it],
    kept: [((e: never, tt: TFunction) => wordsOnce(e, tt, 'it')) as Words, t.it]
  }
  // The window has worded each event once already (the rows it showed, or the filter's first pass).
  for (const e of events) wordsOnce(e as never, t.it, 'it')
  const ms = { old: 0, again: 0, en: 0, it: 0, kept: 0 }
  const chars = { old: 0, again: 0, en: 0, it: 0, kept: 0 }
  const slices = { old: [] as number[], again: [] as number[], en: [] as number[], it: [] as number[], kept: [] as number[] }
  const order: Rendering[] = ['old', 'en', 'kept', 'again', 'it']
  for (let i = 0; i < turn % order.length; i++) order.push(order.shift()!)
  for (let from = 0; from < events.length; from += SLICE) {
    const slice = events.slice(from, from + SLICE)
    for (const name of order) {
      const r = renderAll(slice, ...how[name])
      ms[name] += r.ms
      slices[name].push(r.ms)
      chars[name] += r.chars
    }
    order.push(order.shift()!)
  }
  return { ...ms, chars, slices }
}

/** What making the window's i18next instance costs (its catalogs, every namespace): one start-up's share. */
export function i18nStartMs(lang: 'en' | 'it'): number {
  const t0 = performance.now()
  createI18n(lang)
  return performance.now() - t0
}
