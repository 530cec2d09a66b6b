// The HTTP server under clients that abuse it: blank-line floods, slow heads, downloads never
// read, too many connections, HTTP/0.9. Each is bounded in count and time; the limits are
// shortened through the server's config (never by editing shared/limits.ts).

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HttpServerLimits } from '../src/shared/contract'
import { HTTP_MAX_HEAD } from '../src/shared/limits'
import { get, parseResponses, rawHttp } from './helpers/http'
import { testLab, type TestLab } from './helpers/lab'
import { freePort, run, socklab } from './helpers/processes'
import { words } from './helpers/words'

const BIG = 64 * 1024 * 1024 // more than loopback's socket buffers can swallow
let tmp: string
let t: TestLab

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-limits-'))
  fs.writeFileSync(path.join(tmp, 'small.txt'), 'small\n')
  // Sparse: 64 MiB on disk in no time.
  fs.closeSync(fs.openSync(path.join(tmp, 'big.bin'), 'w'))
  fs.truncateSync(path.join(tmp, 'big.bin'), BIG)
  t = testLab()
})
afterAll(async () => {
  await t.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function server(limits: Partial<HttpServerLimits> = {}): Promise<{ id: string; port: number }> {
  const info = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: tmp, limits })
  return { id: info.id, port: info.local!.port }
}

const connected = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s))
    s.on('error', reject)
  })

/** Everything the server sends on `s` until it closes, or what came within `ms`. */
const replyOf = (s: net.Socket, ms: number): Promise<Buffer> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = []
    const timer = setTimeout(() => resolve(Buffer.concat(chunks)), ms)
    s.on('data', (d) => chunks.push(d))
    s.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('HTTP server: HTTP/0.9', () => {
  it('"GET /" with no version is answered 400 at once, not after the idle timeout', async () => {
    const { port } = await server()
    for (const request of ['GET /\r\n', 'GET /small.txt\n']) {
      const started = Date.now()
      const [r] = parseResponses(await rawHttp(port, request, '127.0.0.1', 3000))
      expect(r.status).toBe(400)
      expect(Date.now() - started).toBeLessThan(3000)
    }
  })
})

describe('HTTP server: a request head has a deadline (slowloris)', () => {
  it('a client that trickles its head, a byte at a time, gets 408 at the deadline and is closed', async () => {
    const { id, port } = await server({ headDeadlineMs: 1500 })
    const s = await connected(port)
    const reply = replyOf(s, 10_000)
    const started = Date.now()
    s.write('GET /small.txt HTTP/1.1\r\nHost: lab\r\nX-Slow: ')
    // Each byte well within the idle timeout (15 s): only the deadline can end this.
    const trickle = setInterval(() => s.writable && s.write('a'), 250)
    const text = (await reply).toString('latin1')
    clearInterval(trickle)
    s.destroy()
    expect(text).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n[\s\S]*Connection: close\r\n/)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(1400)
    expect(elapsed).toBeLessThan(8000)
    await t.waitForEvent((e) => e.endpoint === id && e.kind === 'console' && words(e).endsWith('code 408, message no complete request head within 1.5 s'))
  })
})

describe('HTTP server: downloads that are never read', () => {
  it('close after the send-stall timeout, while a client that reads is served whole', async () => {
    const { id, port } = await server({ sendStallMs: 1000 })
    const stuck = await Promise.all(Array.from({ length: 5 }, () => connected(port)))
    for (const s of stuck) {
      s.pause()
      s.on('error', () => {})
      s.write('GET /big.bin HTTP/1.1\r\nHost: lab\r\n\r\n')
    }
    // A client that reads: curl takes the whole 64 MiB.
    const curl = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download}', `http://127.0.0.1:${port}/big.bin`], undefined, 30_000)
    expect(curl.stdout).toBe(`200 ${BIG}`)
    const stalled = (): number => t.events.filter((e) => e.endpoint === id && e.kind === 'console' && / took no bytes of the reply for 1 s: closing the connection$/.test(words(e))).length
    const deadline = Date.now() + 15_000
    while (stalled() < stuck.length && Date.now() < deadline) await sleep(100)
    expect(stalled()).toBe(stuck.length)
    for (const s of stuck) s.destroy()
    expect((await get(port, '/small.txt')).body.toString()).toBe('small\n')
  }, 40_000)
})

describe('HTTP server: a cap on connections', () => {
  it('past the cap a connection gets 503 with a one-line reason, the log says so, and the server goes on', async () => {
    const { id, port } = await server({ maxConnections: 3 })
    const held = await Promise.all(Array.from({ length: 3 }, () => connected(port)))
    const accepted = (): number => t.events.filter((e) => e.endpoint === id && e.kind === 'accept').length
    while (accepted() < 3) await sleep(20)

    const [busy] = parseResponses(await rawHttp(port, 'GET /small.txt HTTP/1.1\r\nHost: lab\r\n\r\n'))
    expect(busy.status).toBe(503)
    expect(busy.headers.get('connection')).toBe('close')
    expect(busy.body.toString()).toBe('This server already has 3 connections open, its limit: try again in a moment.\n')
    await t.waitForEvent((e) => e.endpoint === id && e.kind === 'console' && /^Refused a connection from \(127\.0\.0\.1, \d+\) with 503: this server already has 3 connections, its limit$/.test(words(e)))

    // A held connection is still served, and once one goes a newcomer is too.
    held[0].write('GET /small.txt HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n')
    expect(parseResponses(await replyOf(held[0], 5000))[0].body.toString()).toBe('small\n')
    const closed = (): number => t.events.filter((e) => e.endpoint === id && e.kind === 'close' && e.conn > 0).length
    while (closed() < 1) await sleep(20)
    expect((await get(port, '/small.txt')).status).toBe(200)
    for (const s of held) s.destroy()
  })
})

describe('HTTP server: a flood of blank lines', () => {
  it('gets 431 soon, with the server memory flat and another client served meanwhile', async () => {
    // The server in a process of its own, so that its memory (VmHWM, the peak) is its alone.
    const port = await freePort()
    const cli = socklab(['http-server', '-a', '127.0.0.1', '-p', String(port), '-d', tmp])
    try {
      await cli.waitFor(/^Serving at port/m)
      const memory = (field: 'VmRSS' | 'VmHWM'): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${cli.child.pid}/status`, 'utf8'))![1]) * 1024
      expect((await get(port, '/small.txt')).status).toBe(200)
      const before = memory('VmRSS')

      // Another client, one request after another, all through the flood.
      let flooding = true
      let worst = 0
      let served = 0
      const other = (async () => {
        while (flooding) {
          const started = Date.now()
          expect((await get(port, '/small.txt')).body.toString()).toBe('small\n')
          worst = Math.max(worst, Date.now() - started)
          served++
          await sleep(20)
        }
      })()

      // Connection after connection, each sending blank lines until the server answers and closes:
      // 256 MiB in all, over 2 s at least, so that the other client has requests in flight throughout.
      const FLOOD = 256 * 1024 * 1024
      const chunk = Buffer.alloc(1024 * 1024, '\r\n')
      const floodOnce = async (): Promise<{ sent: number; reply: string; answeredAfter: number }> => {
        const s = await connected(port)
        s.on('error', () => {})
        const started = Date.now()
        let answeredAfter = -1
        let reply = ''
        s.on('data', (d) => {
          if (answeredAfter < 0) answeredAfter = Date.now() - started
          reply += d.toString('latin1')
        })
        let sent = 0
        while (!s.destroyed && !s.writableEnded &&  Date.now() - started < 10_000) {
          sent += chunk.length
          if (!s.write(chunk)) await new Promise((r) => (s.once('drain', r), s.once('close', r)))
        }
        s.destroy()
        return { sent, reply, answeredAfter }
      }
      const started = Date.now()
      let sent = 0
      let floods = 0
      while ((sent < FLOOD || Date.now() - started < 2000) && Date.now() - started < 20_000) {
        const one = await floodOnce()
        expect(one.reply).toMatch(/^HTTP\/1.1 431 Request Header Fields Too Large\r\n/)
        expect(one.answeredAfter).toBeLessThan(5000)
        sent += one.sent
        floods++
      }
      flooding = false
      await other

      // The server read on through the flood without keeping it: its peak memory grew by a fraction
      // of the flood (what the garbage collector had not yet taken back).
      expect(sent).toBeGreaterThanOrEqual(FLOOD)
      expect(memory('VmHWM') - before).toBeLessThan(FLOOD / 4)
      expect(served).toBeGreaterThan(3)
      expect(worst).toBeLessThan(2000)
      console.log(`blank-line flood: ${floods} connections, ${(sent / 2 ** 20).toFixed(0)} MiB in ${Date.now() - started} ms; server peak memory +${((memory('VmHWM') - before) / 2 ** 20).toFixed(1)} MiB; other client: ${served} requests, worst ${worst} ms`)
      expect(cli.stdout()).toContain(`code 431, message more than ${HTTP_MAX_HEAD} bytes of blank lines before a request`)
    } finally {
      await cli.stop()
    }
  }, 60_000)
})
