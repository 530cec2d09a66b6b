// The RTT plot's model: the latest run of a ping client from the lab's events, live and once done.

import { describe, expect, it } from 'vitest'
import type { LabEvent, PingDetail } from '../../src/shared/events'
import { latestRun, rttAxis, seqTicks, statsOf } from '../../src/renderer/src/pinger/ping-plot-model'

let seq = 0
const ping = (endpoint: string, detail: PingDetail): LabEvent => ({ seq: ++seq, time: seq, endpoint, role: 'client', proto: 'UDP', kind: 'ping', conn: 0, length: 0, detail })
const noise = (endpoint: string): LabEvent => ({ seq: ++seq, time: seq, endpoint, role: 'client', proto: 'UDP', kind: 'send', conn: 0, length: 10, detail: { what: 'bytes' } })

describe('the RTT plot model', () => {
  it('takes the latest run of the client asked for, its marks by seq, stats as they come, then the client’s own', () => {
    const a = 'udp-ping-client-1'
    const b = 'udp-ping-client-2'
    const events = [
      ping(a, { what: 'start', count: 3, timeoutMs: 1000, intervalMs: 0 }),
      ping(a, { what: 'reply', seq: 1, rttMs: 9 }),
      ping(a, { what: 'start', count: 4, timeoutMs: 500, intervalMs: 0 }),
      noise(a),
      ping(b, { what: 'start', count: 7, timeoutMs: 500, intervalMs: 0 }),
      ping(a, { what: 'reply', seq: 1, rttMs: 0.2 }),
      ping(a, { what: 'timeout', seq: 2, timeoutMs: 500 }),
      ping(b, { what: 'timeout', seq: 1, timeoutMs: 500 }),
      ping(a, { what: 'reply', seq: 3, rttMs: 0.4 })
    ]
    const live = latestRun(events, a)!
    expect(live).toMatchObject({ endpoint: a, count: 4, timeoutMs: 500, done: false })
    expect(live.marks).toEqual([
      { seq: 1, rttMs: 0.2, lost: false },
      { seq: 2, lost: true },
      { seq: 3, rttMs: 0.4, lost: false }
    ])
    expect(live.stats).toMatchObject({ sent: 3, received: 2, lost: 1, minMs: 0.2, maxMs: 0.4 })
    expect(live.stats.lossPct).toBeCloseTo(100 / 3, 9)
    expect(live.stats.avgMs).toBeCloseTo(0.3, 9)
    // No endpoint named: whichever client started last.
    expect(latestRun(events)?.endpoint).toBe(b)
    events.push(ping(a, { what: 'timeout', seq: 4, timeoutMs: 500 }), ping(a, { what: 'stats', sent: 4, received: 2, lost: 2, lossPct: 50, minMs: 0.2, avgMs: 0.3, maxMs: 0.4 }))
    const done = latestRun(events, a)!
    expect(done.done).toBe(true)
    expect(done.stats).toEqual({ sent: 4, received: 2, lost: 2, lossPct: 50, minMs: 0.2, avgMs: 0.3, maxMs: 0.4 })
    expect(latestRun(events, 'udp-ping-client-9')).toBeUndefined()
  })

  it('statistics of no reply have no RTT; axes round up and label the ends', () => {
    expect(statsOf([{ seq: 1, lost: true }])).toEqual({ sent: 1, received: 0, lost: 1, lossPct: 100 })
    expect(statsOf([])).toEqual({ sent: 0, received: 0, lost: 0, lossPct: 0 })
    expect(rttAxis(0.37)).toEqual({ top: 0.4, ticks: [0, 0.1, 0.2, 0.3, 0.4] })
    expect(rttAxis(7)).toEqual({ top: 8, ticks: [0, 2, 4, 6, 8] })
    expect(rttAxis(0).top).toBe(1)
    expect(seqTicks(10, 12)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(seqTicks(100, 6)).toEqual([1, 20, 40, 60, 80, 100])
    const many = seqTicks(1000, 8)
    expect(many[0]).toBe(1)
    expect(many.at(-1)).toBe(1000)
    expect(many.length).toBeLessThanOrEqual(9)
  })
})
