// The relay's seeded runs on real sockets, beyond one impairment at a time (relay-udp.test.ts):
// loss, duplication and reordering together over a bounded run, each within a tolerance and the
// whole run accounted for exactly; the same seed replaying the very same run at the server
// (arrivals, copies, overtakings), also from IPv4 to IPv6; delay and jitter measured at the
// server against what the relay reported; and `socklab relay --seed N` as a class runs it, two
// processes dropping the same datagrams.

import { afterEach, describe, expect, it } from 'vitest'
import { startRelay, type Relay, type RelayConfig, type RelayRecord } from '../../src/engine/relay'
import { freePort, run, SOCKLAB, start } from '../helpers/processes'
import { displaced, recordsOf, sleep, udpEcho, udpPeer, until, type UdpEcho, type UdpPeer } from './helpers'

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c()
  cleanup = []
})

async function setup(host: string, config: Partial<RelayConfig>): Promise<{ relay: Relay; echo: UdpEcho; peer: UdpPeer; records: RelayRecord[] }> {
  const echo = await udpEcho(host)
  cleanup.push(() => echo.close())
  const relay = await startRelay({ proto: 'udp', listen: { address: host, port: 0 }, target: { host, port: echo.port }, ...config })
  cleanup.push(() => relay.close())
  const records = recordsOf(relay)
  const peer = await udpPeer(host)
  cleanup.push(() => peer.close())
  return { relay, echo, peer, records }
}

const N = 300
/**
 * Loss, duplication and reordering together, client → server. A datagram held back waits for the
 * next one however long a busy machine takes to send it (2 s at most), so that the order does not
 * depend on the timing: the same seed then gives the same arrivals.
 */
const MIXED: Partial<RelayConfig> = { c2s: { loss: 20, duplicate: 10, reorder: 10 }, reorderHoldMs: 2000 }

interface MixedRun {
  /** The numbers the server received, in arrival order, copies included. */
  arrivals: number[]
  dropped: number[]
  duplicated: number[]
  reordered: number
}

async function mixedRun(host: string, seed: number): Promise<MixedRun> {
  const { relay, echo, peer, records } = await setup(host, { ...MIXED, seed })
  await peer.sendMany(N, relay.local.port)
  const s = (): ReturnType<Relay['stats']>['c2s'] => relay.stats().c2s
  await until(() => echo.seqs.length === N - s().dropped + s().duplicated, 8000, 'every datagram delivered, copied or dropped')
  // Nothing more comes (a late copy would show here).
  await sleep(50)
  const arrivals = [...echo.seqs]
  const of = (type: 'drop' | 'duplicate'): number[] => records.flatMap((r) => (r.type === type ? [r.n] : []))
  return { arrivals, dropped: of('drop'), duplicated: of('duplicate'), reordered: s().reordered }
}

describe.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1']
])('seeded UDP runs over %s', (_family, host) => {
  it('loss, duplication and reordering together: each within its tolerance, the run accounted for exactly', async () => {
    const r = await mixedRun(host, 2024)
    // About 20% lost, 10% of the rest sent twice, 10% held back (each hold undone by the next: about p/(1+p) overtaken).
    expect(r.dropped.length / N).toBeGreaterThan(0.13)
    expect(r.dropped.length / N).toBeLessThan(0.27)
    expect(r.duplicated.length / N).toBeGreaterThan(0.04)
    expect(r.duplicated.length / N).toBeLessThan(0.15)
    expect(r.reordered / N).toBeGreaterThan(0.03)
    expect(r.reordered / N).toBeLessThan(0.14)
    // A dropped datagram is never copied: the loss is drawn first.
    for (const n of r.duplicated) expect(r.dropped).not.toContain(n)
    // Every datagram not dropped arrived, the copied ones twice, none that was dropped.
    const counts = new Map<number, number>()
    for (const n of r.arrivals) counts.set(n, (counts.get(n) ?? 0) + 1)
    for (let n = 1; n <= N; n++) expect(counts.get(n) ?? 0, `datagram ${n}`).toBe(r.dropped.includes(n) ? 0 : r.duplicated.includes(n) ? 2 : 1)
  })

  it('the same seed replays the same run at the server: the same arrivals, copies and overtakings; another seed does not', async () => {
    const a = await mixedRun(host, 77)
    const b = await mixedRun(host, 77)
    const c = await mixedRun(host, 78)
    expect(b.dropped).toEqual(a.dropped)
    expect(b.duplicated).toEqual(a.duplicated)
    expect(b.reordered).toBe(a.reordered)
    // Order included: a held datagram waits for the same next one, whatever the timing.
    expect(b.arrivals).toEqual(a.arrivals)
    expect(displaced(a.arrivals)).toBeGreaterThan(0)
    expect(c.dropped).not.toEqual(a.dropped)
  })

  it('delay ± jitter: each datagram reaches the server after the delay the relay drew for it, the draws the same for the same seed', async () => {
    const delays = async (seed: number): Promise<{ drawn: Map<number, number>; measured: Map<number, number> }> => {
      const { relay, echo, peer, records } = await setup(host, { seed, c2s: { delay: 40, jitter: 20 } })
      // Each datagram's send time, and when the server got it: one at a time, so that none waits behind another.
      const sentAt = new Map<number, number>()
      const measured = new Map<number, number>()
      for (let n = 1; n <= 25; n++) {
        sentAt.set(n, performance.now())
        peer.socket.send(`seq ${n}`, relay.local.port, host)
        await until(() => echo.seqs.length === n, 3000, `datagram ${n} at the server`)
        measured.set(n, performance.now() - sentAt.get(n)!)
      }
      const drawn = new Map(records.flatMap((r) => (r.type === 'delay' ? [[r.n, r.delayMs] as [number, number]] : [])))
      return { drawn, measured }
    }
    const a = await delays(5)
    expect(a.drawn.size).toBe(25)
    const values = [...a.drawn.values()]
    for (const d of values) {
      expect(d).toBeGreaterThanOrEqual(20)
      expect(d).toBeLessThanOrEqual(60)
    }
    // The draws spread over the range, around the delay asked for.
    const mean = values.reduce((x, y) => x + y, 0) / values.length
    expect(mean).toBeGreaterThan(32)
    expect(mean).toBeLessThan(48)
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(15)
    // Measured at the server (polled every 10 ms): never before the drawn delay, and close to it (a busy machine adds).
    for (const [n, d] of a.drawn) {
      expect(a.measured.get(n)!, `datagram ${n}`).toBeGreaterThanOrEqual(d - 1)
      expect(a.measured.get(n)!, `datagram ${n}`).toBeLessThan(d + 250)
    }
    const b = await delays(5)
    expect([...b.drawn]).toEqual([...a.drawn])
  })
})

describe('the same seed, whatever the family', () => {
  it('an IPv4 run and an IPv6 run with one seed drop the same datagrams', async () => {
    const dropped = async (host: string): Promise<number[]> => (await mixedRun(host, 4321)).dropped
    const v4 = await dropped('127.0.0.1')
    const v6 = await dropped('::1')
    expect(v4.length).toBeGreaterThan(20)
    expect(v6).toEqual(v4)
  })
})

describe('socklab relay --seed N, as a class runs it', () => {
  it('two relay processes with the same seed drop the same datagrams and say so; the summaries agree', { timeout: 30_000 }, async () => {
    const oneRun = async (seed: string): Promise<{ dropped: string[]; summary: string }> => {
      const echo = await udpEcho('127.0.0.1')
      cleanup.push(() => echo.close())
      const port = await freePort()
      const relay = start(process.execPath, [SOCKLAB, 'relay', '--udp', '--listen', `127.0.0.1:${port}`, '--to', `127.0.0.1:${echo.port}`, '--c2s', '--loss', '30', '--seed', seed, '--lang', 'en'])
      cleanup.push(() => relay.stop())
      await relay.waitFor(new RegExp(`seed ${seed}\\n`), 10_000)
      const peer = await udpPeer('127.0.0.1')
      cleanup.push(() => peer.close())
      await peer.sendMany(100, port)
      await until(() => (relay.stdout().match(/ dropped$/gm)?.length ?? 0) + echo.seqs.length === 100, 5000, 'every datagram dropped or delivered')
      relay.child.kill('SIGINT')
      await relay.exited
      const out = relay.stdout()
      // "12.3 ms client → server #1: datagram 7 (27 B) dropped": the time aside, the rest is the run's.
      const dropped = out.split('\n').flatMap((l) => /(client → server #1: datagram \d+ \(\d+ B\) dropped)$/.exec(l)?.[1] ?? [])
      expect(dropped.length).toBe(100 - echo.seqs.length)
      return { dropped, summary: /^client → server: forwarded .*$/m.exec(out)?.[0] ?? '' }
    }
    const a = await oneRun('4242')
    const b = await oneRun('4242')
    expect(a.dropped.length).toBeGreaterThan(15)
    expect(a.dropped.length).toBeLessThan(45)
    expect(b.dropped).toEqual(a.dropped)
    expect(b.summary).toBe(a.summary)
    expect(a.summary).toMatch(new RegExp(`^client → server: forwarded ${100 - a.dropped.length} \\([\\d,]+ B\\), dropped ${a.dropped.length},`))
    // The help says what the seed is for.
    expect((await run(process.execPath, [SOCKLAB, 'relay', '-h', '--lang', 'en'])).stdout).toMatch(/--seed N +--> the same seed repeats the same drops/)
  })
})
