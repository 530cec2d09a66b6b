// The Pinger lab's endpoints on real sockets: the rows a run reports (each ping's send and recv,
// each reply's RTT, each timeout, the server's drops on purpose, the statistics), checked against
// one another: replies + timeouts = count, the server's drops are the client's timeouts, and the
// statistics are what the rows say.

import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import type { EndpointConfig } from '../../src/shared/contract'
import type { LabEvent, LabEventOf, PingDetail } from '../../src/shared/events'
import { configProblemSaid } from '../../src/shared/schemas'
import { testLab, type TestLab } from '../helpers/lab'
import { english, itT, words } from '../helpers/words'
import { eventWords, type TFunction } from '../../src/shared/event-words'

let t: TestLab
afterEach(async () => t?.close())

type Ping<W extends PingDetail['what']> = LabEventOf<'ping'> & { detail: Extract<PingDetail, { what: W }> }
const pings = <W extends PingDetail['what']>(events: LabEvent[], endpoint: string, what: W): Ping<W>[] =>
  events.filter((e): e is Ping<W> => e.endpoint === endpoint && e.kind === 'ping' && e.detail.what === what)

const server = (over: Partial<Extract<EndpointConfig, { kind: 'udp-ping-server' }>> = {}): EndpointConfig => ({ kind: 'udp-ping-server', address: '127.0.0.1', port: 0, ...over })
const client = (port: number, over: Partial<Extract<EndpointConfig, { kind: 'udp-ping-client' }>> = {}): EndpointConfig => ({ kind: 'udp-ping-client', address: '127.0.0.1', port, count: 10, timeoutMs: 300, intervalMs: 0, ...over })

describe.each([
  ['IPv4', '127.0.0.1', '0.0.0.0'],
  ['IPv6', '::1', '::']
] as const)('the Pinger lab over %s', (family, host, any) => {
  it("reports every ping: replies + timeouts = count, the timeouts are the server's drops, the statistics are the rows'", async () => {
    t = testLab()
    const s = await t.start(server({ address: host, loss: 40, seed: 7 }))
    const c = await t.start(client(s.local!.port, { address: host, count: 20 }))
    const result = await t.lab.send(c.id, '')
    const replies = pings(t.events, c.id, 'reply')
    const timeouts = pings(t.events, c.id, 'timeout')
    const drops = pings(t.events, s.id, 'drop')
    // The run's first row says what it will do.
    expect(pings(t.events, c.id, 'start').map((e) => e.detail)).toEqual([{ what: 'start', count: 20, timeoutMs: 300, intervalMs: 0 }])
    expect(replies.length + timeouts.length).toBe(20)
    expect(result.length).toBe(replies.length)
    expect(drops.length).toBeGreaterThan(2)
    expect(timeouts.map((e) => e.detail.seq)).toEqual(drops.map((e) => e.detail.seq))
    expect([...replies.map((e) => e.detail.seq), ...timeouts.map((e) => e.detail.seq)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    for (const d of drops) expect(d.detail.lossPct).toBe(40)
    // Each ping is a send row of the client and a recv row of the server; each answered one a send row of the server and a recv row of the client.
    const sends = t.events.filter((e) => e.endpoint === c.id && e.kind === 'send')
    expect(sends.map((e) => Buffer.from(e.preview!, 'base64').toString())).toEqual(Array.from({ length: 20 }, (_, i) => expect.stringMatching(new RegExp(`^Ping ${i + 1} \\d+\\.\\d{6}$`))))
    expect(t.events.filter((e) => e.endpoint === s.id && e.kind === 'recv')).toHaveLength(20)
    expect(t.events.filter((e) => e.endpoint === s.id && e.kind === 'send')).toHaveLength(replies.length)
    const got = t.events.filter((e) => e.endpoint === c.id && e.kind === 'recv')
    expect(got.map((e) => Buffer.from(e.preview!, 'base64').toString())).toEqual(replies.map((r) => expect.stringMatching(new RegExp(`^PING ${r.detail.seq} \\d+\\.\\d{6}$`))))
    // The client's rows carry the addresses the server sees.
    expect(sends[0].local).toEqual(t.events.find((e) => e.endpoint === s.id && e.kind === 'recv')!.remote)
    expect(sends[0].local?.address).toBe(host)
    expect(sends[0].remote).toEqual({ address: host, port: s.local!.port, family })
    // The statistics: one row, made of the rows before it.
    const [stats] = pings(t.events, c.id, 'stats')
    const rtts = replies.map((e) => e.detail.rttMs)
    expect(stats.detail).toEqual({
      what: 'stats',
      sent: 20,
      received: replies.length,
      lost: drops.length,
      lossPct: (drops.length / 20) * 100,
      minMs: Math.min(...rtts),
      avgMs: rtts.reduce((a, b) => a + b, 0) / rtts.length,
      maxMs: Math.max(...rtts)
    })
    // The console prints the assignment's lines, never translated, then the statistics.
    const lines = t.lines(c.id)
    expect(lines.slice(0, 20).map((l, i) => (l === 'Request timed out' ? null : i + 1)).filter((x) => x !== null)).toEqual(replies.map((r) => r.detail.seq))
    for (const l of lines.slice(0, 20)) expect(l).toMatch(/^(Request timed out|PING \d+ \d+\.\d{6} RTT: \d+\.\d{6} s)$/)
    expect(lines[20]).toBe(`--- ping statistics for (${host}, ${s.local!.port}) ---`)
    expect(lines[21]).toBe(`pings: sent 20, received ${replies.length}, lost ${drops.length} (${Math.round((drops.length / 20) * 1000) / 10}% loss)`)
    expect(lines[22]).toMatch(/^RTT min\/avg\/max = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms$/)
    // The server's console: where it waits, then each ping answered or dropped.
    const served = t.lines(s.id)
    expect(served[0]).toBe(`Ping server waiting on (${host}, ${s.local!.port}): drops 40% of the pings, seed 7`)
    expect(served.filter((l) => l.endsWith('dropped on purpose'))).toHaveLength(drops.length)
    expect(served.filter((l) => l.endsWith(': answered'))).toHaveLength(replies.length)
    void any
  })

  it('a server bound to the wildcard answers from it; the same seed drops the same pings', async () => {
    t = testLab()
    const dropsOf = async (): Promise<number[]> => {
      const s = await t.start(server({ address: any, loss: 50, seed: 123 }))
      const c = await t.start(client(s.local!.port, { address: host, count: 12, timeoutMs: 200 }))
      await t.lab.send(c.id, '')
      await t.lab.stop(s.id)
      return pings(t.events, s.id, 'drop').map((e) => e.detail.seq!)
    }
    const a = await dropsOf()
    const b = await dropsOf()
    expect(a.length).toBeGreaterThan(0)
    expect(b).toEqual(a)
  })
})

describe('the Pinger lab', () => {
  it("drops by the textbook's rule when no loss is given, and its statistics match the server's drops", async () => {
    t = testLab()
    const s = await t.start(server({ seed: 2024 }))
    const c = await t.start(client(s.local!.port, { count: 30, timeoutMs: 200 }))
    await t.lab.send(c.id, '')
    const drops = pings(t.events, s.id, 'drop')
    const [stats] = pings(t.events, c.id, 'stats')
    expect(drops.length).toBeGreaterThan(3)
    expect(stats.detail.lost).toBe(drops.length)
    expect(stats.detail.lossPct).toBeCloseTo((drops.length / 30) * 100, 9)
    expect(drops[0].detail.lossPct).toBeCloseTo((4 / 11) * 100, 9)
    expect(t.lines(s.id)[0]).toMatch(/^Ping server waiting on \(127\.0\.0\.1, \d+\): drops a ping when randint\(0, 10\) < 4 \(about 36\.4%\), seed 2024$/)
  })

  it('a ping with no server times out; the interval spaces the pings; Stop ends the run after the ping under way', async () => {
    t = testLab()
    // A bound socket that never answers: every ping times out.
    const silent = dgram.createSocket('udp4')
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r))
    const port = silent.address().port
    try {
      const c = await t.start(client(port, { count: 50, timeoutMs: 150, intervalMs: 400 }))
      const run = t.lab.send(c.id, '')
      await t.waitForEvent((e) => e.endpoint === c.id && e.kind === 'ping' && e.detail.what === 'timeout' && e.detail.seq === 2, 3000)
      await t.lab.stop(c.id)
      const result = await run
      expect(result.length).toBe(0)
      const timeouts = pings(t.events, c.id, 'timeout')
      const [stats] = pings(t.events, c.id, 'stats')
      expect(timeouts.length).toBeGreaterThanOrEqual(2)
      expect(timeouts.length).toBeLessThanOrEqual(3)
      expect(stats.detail).toMatchObject({ sent: timeouts.length, received: 0, lost: timeouts.length, lossPct: 100 })
      expect(stats.detail.minMs).toBeUndefined()
      // Sent 400 ms apart at least, though each timed out after 150.
      const sends = t.events.filter((e) => e.endpoint === c.id && e.kind === 'send')
      expect(sends[1].time - sends[0].time).toBeGreaterThanOrEqual(395_000)
      expect(t.lines(c.id).slice(0, timeouts.length).every((l) => l === 'Request timed out')).toBe(true)
      expect(t.lines(c.id).at(-1)).toBe('no reply: no RTT to report')
      expect(t.events.some((e) => e.endpoint === c.id && e.kind === 'close' && e.detail.reason === 'client-stopped')).toBe(true)
    } finally {
      await new Promise<void>((r) => silent.close(() => r()))
    }
  })

  it('the rows have words in English and Italian', async () => {
    t = testLab()
    const s = await t.start(server({ loss: 100, seed: 1 }))
    const c = await t.start(client(s.local!.port, { count: 1, timeoutMs: 200 }))
    await t.lab.send(c.id, '')
    const it = (e: LabEvent): string => eventWords(e, itT as unknown as TFunction)
    const [drop] = pings(t.events, s.id, 'drop')
    const [timeout] = pings(t.events, c.id, 'timeout')
    const [stats] = pings(t.events, c.id, 'stats')
    expect(words(drop)).toBe('ping 1 dropped on purpose: the server plays a lossy network (100% loss)')
    expect(it(drop)).toBe('ping 1 scartato di proposito: il server simula una rete che perde (100% di perdita)')
    expect(words(timeout)).toBe('ping 1: no reply within 0.2 s (Request timed out)')
    expect(it(timeout)).toBe('ping 1: nessuna risposta entro 0,2 s (Request timed out)')
    expect(words(stats)).toBe('statistics: sent 1, received 0, lost 1 (100% loss); no reply, no RTT')
    const reply = { ...timeout, detail: { what: 'reply' as const, seq: 3, rttMs: 0.1234 } }
    expect(words(reply)).toBe('ping 3: reply after 0.123 ms')
    expect(it(reply)).toBe('ping 3: risposta dopo 0,123 ms')
  })

  it('refuses what is no config: a loss over 100, no pings, a seed too large', () => {
    expect(english(configProblemSaid(server({ loss: 101 }) as never) ?? undefined)).toContain('Loss % must be a number in 0..100')
    expect(english(configProblemSaid(client(12000, { count: 0 }) as never) ?? undefined)).toContain('Pings must be an integer in 1..1000')
    expect(english(configProblemSaid(server({ seed: 2 ** 32 }) as never) ?? undefined)).toContain('Seed must be')
    expect(configProblemSaid(server({ loss: 36.4, seed: 5 }) as never)).toBeNull()
    expect(configProblemSaid(client(12000) as never)).toBeNull()
  })
})
