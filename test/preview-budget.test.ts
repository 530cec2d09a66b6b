// Whole payloads for the newest events, heads for the older ones: a log's previews stay bounded.

import { describe, expect, it } from 'vitest'
import type { LabEvent } from '../src/shared/events'
import { PREVIEW_BUDGET_BYTES, PREVIEW_BYTES, PREVIEW_HEAD_BYTES, PREVIEW_RATE_BYTES } from '../src/shared/events'
import { PreviewBudget } from '../src/shared/preview-budget'
import { Lab } from '../src/engine/lab'
import { Reporter } from '../src/engine/endpoint'
import { PreviewRate } from '../src/engine/preview-rate'

let seq = 0
const withPayload = (bytes: number): LabEvent => ({
  seq: ++seq,
  time: 0,
  endpoint: 'tcp-client-1',
  role: 'client',
  proto: 'TCP',
  kind: 'recv',
  conn: 1,
  length: bytes,
  preview: Buffer.alloc(bytes, seq % 256).toString('base64'),
  info: '',
  detail: { what: 'stream', leftover: 0, eof: false, waiting: 0 }
})
const decoded = (e: LabEvent): number => Buffer.from(e.preview ?? '', 'base64').length

describe('PreviewBudget', () => {
  it('keeps whole previews for the newest events and cuts the oldest to their head', () => {
    const budget = new PreviewBudget(10 * 1000)
    const events = Array.from({ length: 20 }, () => withPayload(1000))
    for (const e of events) budget.admit(e)
    const whole = events.filter((e) => decoded(e) === 1000)
    // The budget counts what lies beyond the heads: 10,000 / (1000 - 240) = 13 whole ones.
    expect(whole.length).toBe(Math.floor(10_000 / (1000 - PREVIEW_HEAD_BYTES)))
    // The whole ones are the newest; the others keep exactly their head, from the start of the payload.
    expect(events.slice(-whole.length)).toEqual(whole)
    for (const e of events.slice(0, -whole.length)) expect(Buffer.from(e.preview!, 'base64')).toEqual(Buffer.alloc(PREVIEW_HEAD_BYTES, e.seq % 256))
  })

  it('stops counting events the log let go of', () => {
    const budget = new PreviewBudget(10 * 1000)
    const events = Array.from({ length: 8 }, () => withPayload(1000))
    for (const e of events) budget.admit(e)
    const held = budget.heldChars
    budget.dropThrough(events[3].seq)
    expect(budget.heldChars).toBeLessThan(held)
    for (let i = 0; i < 4; i++) budget.admit(withPayload(1000))
    // Room was made by the dropped ones: the four still held keep their whole payloads.
    for (const e of events.slice(4)) expect(decoded(e)).toBe(1000)
  })
})

describe('the Lab keeps whole payloads within its budget', () => {
  it('holds a 64 KiB payload whole, and under a flood of them stays within the budget', () => {
    const lab = new Lab({ ringSize: 50_000 })
    const reporter = new Reporter('tcp-client-1', 'client', 'TCP', (e) => (lab as unknown as { record(e: LabEvent): void }).record(e))
    const chunk = Buffer.alloc(PREVIEW_BYTES + 1000, 0x61)
    reporter.data('recv', chunk, { detail: { what: 'stream', leftover: 0, eof: false, waiting: 0 } })
    const [first] = lab.history()
    expect(first.length).toBe(PREVIEW_BYTES + 1000)
    expect(decoded(first)).toBe(PREVIEW_BYTES)
    // 2,000 reads of 64 KiB (128 MiB on the wire): the ring holds them all, their previews ~16 MiB.
    for (let i = 0; i < 2000; i++) reporter.data('recv', chunk, { detail: { what: 'stream', leftover: 0, eof: false, waiting: 0 } })
    const held = lab.history().reduce((n, e) => n + decoded(e), 0)
    expect(lab.history().length).toBe(2001)
    expect(held).toBeLessThanOrEqual(PREVIEW_BUDGET_BYTES + PREVIEW_BYTES + 2001 * PREVIEW_HEAD_BYTES)
    expect(decoded(lab.history().at(-1)!)).toBe(PREVIEW_BYTES)
  })

  it('gives each part of a write made of parts to the preview, in order', () => {
    const lab = new Lab()
    const reporter = new Reporter('http-server-1', 'server', 'HTTP', (e) => (lab as unknown as { record(e: LabEvent): void }).record(e))
    reporter.data('send', [Buffer.from('HEAD\r\n\r\n'), Buffer.alloc(PREVIEW_BYTES, 0x62)], { detail: { what: 'response', status: 200, streamed: false } })
    const [e] = lab.history()
    expect(e.length).toBe(8 + PREVIEW_BYTES)
    const bytes = Buffer.from(e.preview!, 'base64')
    expect(bytes.length).toBe(PREVIEW_BYTES)
    expect(bytes.subarray(0, 8).toString()).toBe('HEAD\r\n\r\n')
  })
})

describe('PreviewRate', () => {
  it('previews an exchange whole, and a flood by its heads beyond the rate', () => {
    const rate = new PreviewRate()
    // A page of 64 KiB, as a student fetches it: whole.
    expect(rate.take(PREVIEW_BYTES)).toBe(PREVIEW_BYTES)
    const started = performance.now()
    let whole = 0
    for (let i = 0; i < 1000; i++) if (rate.take(PREVIEW_BYTES) === PREVIEW_BYTES) whole++
    const seconds = (performance.now() - started) / 1000
    // 64 MiB asked for at once: what passes is the burst plus what the elapsed time refilled.
    expect(whole * PREVIEW_BYTES).toBeLessThanOrEqual(PREVIEW_RATE_BYTES + seconds * PREVIEW_RATE_BYTES + PREVIEW_BYTES)
    expect(whole).toBeLessThan(1000)
    // Heads always pass; small payloads are never cut.
    expect(rate.take(PREVIEW_BYTES)).toBe(PREVIEW_HEAD_BYTES)
    expect(rate.take(100)).toBe(100)
  })
})
