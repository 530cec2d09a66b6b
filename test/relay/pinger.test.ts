// The UDP Pinger lab on real sockets: the client's statistics against the drops the server
// reports, the textbook's drop rule, the relay as the lossy network, the CLI's words, and
// interop with Python programs written from the assignment, both ways.

import dgram from 'node:dgram'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { PingClient, PingServer, TEXTBOOK_LOSS_PCT, type PingRecord } from '../../src/engine/pinger'
import { startRelay } from '../../src/engine/relay'
import { pingSummaryLines, runPing, runPingServer } from '../../src/cli/ping-command'
import { relayWords } from '../../src/cli/relay-command'
import { setCliLang } from '../../src/cli/words'
import { createI18n } from '../../src/shared/i18n/i18n'
import { freePort, ROOT, start, type Running } from '../helpers/processes'
import { sleep, until } from './helpers'

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'pinger')
const REPLY_LINE = /^PING (\d+) \d+\.\d{6} RTT: \d+\.\d{6} s$/

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c()
  cleanup = []
  setCliLang('en')
})

async function server(address: string, loss: number | undefined, seed: number): Promise<PingServer> {
  const s = new PingServer({ address, port: 0, loss, seed })
  await s.start()
  cleanup.push(() => s.close())
  return s
}

/** Output streams that keep what was written. */
function capture(): { io: { out: PassThrough; err: PassThrough }; out: () => string; err: () => string } {
  const out = new PassThrough()
  const err = new PassThrough()
  let o = ''
  let e = ''
  out.on('data', (d) => (o += d))
  err.on('data', (d) => (e += d))
  return { io: { out, err }, out: () => o, err: () => e }
}

const timedOutSeqs = (lines: string[]): number[] => lines.flatMap((l, i) => (l === 'Request timed out' ? [i + 1] : []))

describe.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1']
])('the Pinger over %s', (_family, host) => {
  it("the client's statistics match the pings the server reports it dropped", async () => {
    const s = await server(host, 30, 21)
    const serverDrops: number[] = []
    s.on('record', (r) => r.type === 'drop' && serverDrops.push(r.seq!))
    const client = new PingClient({ address: host, port: s.local.port, count: 24, timeoutMs: 500 })
    const records: PingRecord[] = []
    client.on('record', (r) => records.push(r))
    const summary = await client.run()
    expect(serverDrops.length).toBeGreaterThan(3)
    expect(summary.lost).toBe(serverDrops.length)
    expect(summary.received).toBe(24 - serverDrops.length)
    expect(summary.lossPct).toBeCloseTo((serverDrops.length / 24) * 100, 6)
    expect(summary.rtts.flatMap((r, i) => (r === null ? [i + 1] : []))).toEqual(serverDrops)
    expect(records.filter((r) => r.type === 'timeout').map((r) => r.seq)).toEqual(serverDrops)
    expect(summary.minMs!).toBeLessThanOrEqual(summary.avgMs!)
    expect(summary.avgMs!).toBeLessThanOrEqual(summary.maxMs!)
    expect(summary.maxMs!).toBeLessThan(500)
    const sent = records.filter((r) => r.type === 'sent')
    expect(sent.map((r) => r.seq)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
    for (const r of sent) expect((r as { message: string }).message).toMatch(/^Ping \d+ \d+\.\d{6}$/)
  })

  it('through the relay: the pings that time out are the ones the relay dropped', async () => {
    const s = await server(host, 0, 1)
    const relay = await startRelay({ proto: 'udp', listen: { address: host, port: 0 }, target: { host, port: s.local.port }, seed: 9, c2s: { loss: 25 } })
    cleanup.push(() => relay.close())
    const drops: number[] = []
    relay.on('record', (r) => r.type === 'drop' && drops.push(r.n))
    const summary = await new PingClient({ address: host, port: relay.local.port, count: 20, timeoutMs: 400 }).run()
    expect(drops.length).toBeGreaterThan(1)
    expect(summary.rtts.flatMap((r, i) => (r === null ? [i + 1] : []))).toEqual(drops)
    expect(s.dropped).toEqual([])
  })
})

describe('the ping server', () => {
  it("drops as the textbook's randint(0, 10) < 4 does, about 36%, the same pings for the same seed", async () => {
    const run = async (seed: number): Promise<number[]> => {
      const s = await server('127.0.0.1', undefined, seed)
      const sock = dgram.createSocket('udp4')
      cleanup.push(() => new Promise((r) => sock.close(() => r())))
      for (let i = 1; i <= 330; i++) {
        sock.send(`Ping ${i} 0`, s.local.port, '127.0.0.1')
        if (i % 30 === 0) await sleep(5)
      }
      await until(() => s.received === 330, 5000, 'every ping')
      return s.droppedSeqs
    }
    const a = await run(5)
    const b = await run(5)
    const c = await run(6)
    expect(a.length / 330).toBeGreaterThan(TEXTBOOK_LOSS_PCT / 100 - 0.08)
    expect(a.length / 330).toBeLessThan(TEXTBOOK_LOSS_PCT / 100 + 0.08)
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
  })
})

describe('udp-ping and udp-ping-server on the command line', () => {
  it("prints the assignment's lines, then the statistics from the catalog; in Italian only the statistics change", async () => {
    for (const lang of ['en', 'it'] as const) {
      setCliLang(lang)
      const s = await server('127.0.0.1', 40, 3)
      const c = capture()
      const code = await runPing({ address: '127.0.0.1', port: s.local.port, count: 12, timeoutMs: 400 }, new Promise(() => undefined), c.io)
      const lines = c.out().trimEnd().split('\n')
      const pings = lines.slice(0, 12)
      for (const l of pings) expect(l === 'Request timed out' || REPLY_LINE.test(l), l).toBe(true)
      expect(timedOutSeqs(pings)).toEqual(s.droppedSeqs)
      const rtts = pings.map((l) => (l === 'Request timed out' ? null : 1))
      const t = createI18n(lang).t as unknown as ReturnType<typeof relayWords>
      expect(lines[12]).toBe(t('relay:ping.summary.title', { target: `(127.0.0.1, ${s.local.port})` }))
      expect(lines[13]).toBe(pingSummaryLines(t, { sent: 12, received: rtts.filter(Boolean).length, lost: s.droppedSeqs.length, lossPct: (s.droppedSeqs.length / 12) * 100, rtts }, 'x')[1])
      expect(lines[14]).toMatch(/^RTT min\/(avg|medio)\/max = [\d.,]+\/[\d.,]+\/[\d.,]+ ms$/)
      expect(lines[13]).toContain(lang === 'it' ? 'persi' : 'lost')
      expect(code).toBe(0)
      await s.close()
    }
  })

  it('udp-ping-server says which pings it answered and dropped, and sums them up on Ctrl-C', async () => {
    setCliLang('it')
    const c = capture()
    let stop!: () => void
    const stopped = new Promise<void>((r) => (stop = r))
    const port = await freePort()
    const running = runPingServer({ address: '127.0.0.1', port, loss: 50, seed: 4 }, stopped, c.io)
    await until(() => c.out().includes('Server di ping'), 3000, 'the server to start')
    const summary = await new PingClient({ address: '127.0.0.1', port, count: 10, timeoutMs: 400 }).run()
    stop()
    expect(await running).toBe(0)
    const out = c.out()
    expect(out.split('\n')[0]).toBe(`Server di ping in attesa su (127.0.0.1, ${port}): scarta il 50% dei ping, seed 4`)
    expect(out.match(/scartato di proposito/g)?.length).toBe(summary.lost)
    expect(out.match(/: risposto$/gm)?.length).toBe(summary.received)
    expect(out.trimEnd().split('\n').at(-1)).toBe(`ping: ricevuti 10, con risposta ${summary.received}, scartati ${summary.lost}`)
  })
})

describe('interop with Python programs written from the assignment', () => {
  let py: Running | undefined
  afterEach(async () => {
    await py?.stop()
    py = undefined
  })

  it("a Python pinger client against socklab's ping server", async () => {
    const s = await server('127.0.0.1', undefined, 17)
    py = start('python3', ['-u', path.join(FIXTURES, 'udp_pinger_client.py'), '127.0.0.1', String(s.local.port), '15', '0.5'])
    expect(await py.exited).toBe(0)
    const lines = py.stdout().trimEnd().split('\n')
    const pings = lines.slice(0, 15)
    for (const l of pings) expect(l === 'Request timed out' || REPLY_LINE.test(l), l).toBe(true)
    expect(timedOutSeqs(pings)).toEqual(s.droppedSeqs)
    expect(s.droppedSeqs.length).toBeGreaterThan(0)
    expect(lines.at(-1)).toBe(`15 sent, ${15 - s.droppedSeqs.length} received, ${((s.droppedSeqs.length / 15) * 100).toFixed(1)}% loss`)
  })

  it("socklab's ping client against the textbook's Python ping server", async () => {
    setCliLang('en')
    const port = await freePort()
    py = start('python3', ['-u', path.join(FIXTURES, 'udp_pinger_server.py'), String(port), '2024', '127.0.0.1'])
    await py.waitFor(/ready/)
    const c = capture()
    const code = await runPing({ address: '127.0.0.1', port, count: 15, timeoutMs: 500 }, new Promise(() => undefined), c.io)
    expect(code).toBe(0)
    const dropped = [...py.stdout().matchAll(/^dropped (\d+)$/gm)].map((m) => Number(m[1]))
    const lines = c.out().trimEnd().split('\n')
    for (const l of lines.slice(0, 15)) expect(l === 'Request timed out' || REPLY_LINE.test(l), l).toBe(true)
    expect(dropped.length).toBeGreaterThan(0)
    expect(timedOutSeqs(lines.slice(0, 15))).toEqual(dropped)
    expect(lines[16]).toBe(`pings: sent 15, received ${15 - dropped.length}, lost ${dropped.length} (${Math.round((dropped.length / 15) * 1000) / 10}% loss)`)
  })
})
