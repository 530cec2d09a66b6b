// What the RTT plot draws, made from the lab's events: the latest run of pings of one client (its
// 'ping' rows: the start, each reply's RTT, each timeout, the statistics), as data. The plot words
// and draws it; nothing here is a word.

import type { LabEvent, PingDetail } from '../../../shared/events'

export interface PingMark {
  seq: number
  /** The reply's round trip time; undefined for a ping that timed out. */
  rttMs?: number
  lost: boolean
}

/** The run's statistics: those of its 'stats' row, or counted from its marks while it runs. */
export type PingStats = Omit<Extract<PingDetail, { what: 'stats' }>, 'what'>

export interface PingRun {
  endpoint: string
  /** Pings the run sends in all (the x axis), and how long each waits. */
  count: number
  timeoutMs: number
  /** The pings answered or timed out so far, by seq. */
  marks: PingMark[]
  /** From the marks so far; the client's own statistics once the run is over. */
  stats: PingStats
  /** The client's statistics row came: the run is over. */
  done: boolean
}

type Detail = PingDetail

/** Statistics of the marks so far, as the client makes them at the end (ping-client.ts: summarize). */
export function statsOf(marks: readonly PingMark[]): PingStats {
  const rtts = marks.flatMap((m) => (m.rttMs === undefined ? [] : [m.rttMs]))
  const sent = marks.length
  const received = rtts.length
  const sum = rtts.reduce((a, b) => a + b, 0)
  return {
    sent,
    received,
    lost: sent - received,
    lossPct: sent ? ((sent - received) / sent) * 100 : 0,
    ...(received > 0 && { minMs: Math.min(...rtts), avgMs: sum / received, maxMs: Math.max(...rtts) })
  }
}

/**
 * The latest run of pings among `events` (oldest first), of the client `endpoint` if given (else of
 * whichever ping client started last), or undefined if none started.
 */
export function latestRun(events: readonly LabEvent[], endpoint?: string): PingRun | undefined {
  let start = -1
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]
    if (e.kind === 'ping' && e.detail.what === 'start' && (endpoint === undefined || e.endpoint === endpoint)) {
      start = i
      break
    }
  }
  if (start < 0) return undefined
  const first = events[start] as LabEvent & { detail: Extract<Detail, { what: 'start' }> }
  const id = first.endpoint
  const bySeq = new Map<number, PingMark>()
  let final: PingStats | undefined
  for (let i = start + 1; i < events.length; i++) {
    const e = events[i]
    if (e.endpoint !== id || e.kind !== 'ping') continue
    const d = e.detail
    if (d.what === 'start') break
    if (d.what === 'reply') bySeq.set(d.seq, { seq: d.seq, rttMs: d.rttMs, lost: false })
    else if (d.what === 'timeout') bySeq.set(d.seq, { seq: d.seq, lost: true })
    else if (d.what === 'stats') {
      const { sent, received, lost, lossPct, minMs, avgMs, maxMs } = d
      final = { sent, received, lost, lossPct, ...(minMs !== undefined && { minMs, avgMs, maxMs }) }
      break
    }
  }
  const marks = [...bySeq.values()].sort((a, b) => a.seq - b.seq)
  return { endpoint: id, count: first.detail.count, timeoutMs: first.detail.timeoutMs, marks, stats: final ?? statsOf(marks), done: final !== undefined }
}

/** A round top for the RTT axis above `max` ms (1, 2, 5 × a power of ten), and its ticks. */
export function rttAxis(max: number): { top: number; ticks: number[] } {
  const m = max > 0 && Number.isFinite(max) ? max : 1
  const step0 = 10 ** Math.floor(Math.log10(m / 4))
  const step = [1, 2, 5, 10].map((k) => k * step0).find((s) => m / s <= 5) ?? 10 * step0
  const top = Math.ceil(m / step) * step
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => Number((i * step).toPrecision(12)))
  return { top, ticks }
}

/** The ping numbers labelled on the x axis: every one if few, else a round step, always the first and the last. */
export function seqTicks(count: number, room: number): number[] {
  if (count <= room) return Array.from({ length: count }, (_, i) => i + 1)
  const raw = count / Math.max(1, room - 1)
  const p = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p
  const ticks = [1]
  for (let s = step; s < count; s += step) if (count - s >= step / 2) ticks.push(s)
  ticks.push(count)
  return ticks
}
