import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import { decodeEvents } from '../src/shared/feed'
import type { WirePacket } from '../src/shared/wire'
import type { HostMessage } from '../src/shared/ws-protocol'
import { PCAPNG_PATH } from '../src/shared/ws-protocol'
import { captureSkipReason, packetCount } from './helpers/capture'
import { Lab } from '../src/engine/lab'
import { startBrowserHost, type BrowserHost } from '../src/web-host/browser-host'
import { MAX_ENDPOINTS_PER_LAB, MAX_VIEWERS } from '../src/shared/limits'
import { callVerb, labSocket, sayReady } from './helpers/lab-socket'

let rendererDir: string
let host: BrowserHost
let lab: Lab

beforeAll(async () => {
  // A private parent: the file just outside the renderer's folder is this run's, and goes with it.
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-host-test-'))
  rendererDir = path.join(parent, 'renderer')
  await fs.mkdir(rendererDir)
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>socklab</title>')
  await fs.writeFile(path.join(parent, 'socklab-outside.txt'), 'secret')
})
afterAll(() => fs.rm(path.dirname(rendererDir), { recursive: true, force: true }))

afterEach(async () => {
  await host?.close()
  await lab?.stopAll()
})

async function boot(): Promise<void> {
  lab = new Lab()
  host = await startBrowserHost({ lab, rendererDir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
}

const connect = (query: string, headers: Record<string, string> = {}): Promise<WebSocket> => labSocket(host.port, query, headers)
const call = callVerb

describe('browser host', () => {
  it('listens on loopback only and prints a URL with a token', async () => {
    await boot()
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`))
    const res = await fetch(host.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('refuses a Host header that is not ours (DNS rebinding)', async () => {
    await boot()
    const res = await new Promise<number>((resolve) => {
      import('node:http').then((http) =>
        http.get({ host: '127.0.0.1', port: host.port, path: '/', headers: { Host: `evil.example:${host.port}` } }, (r) => resolve(r.statusCode!))
      )
    })
    expect(res).toBe(421)
  })

  it('does not serve files outside the renderer folder', async () => {
    await boot()
    for (const p of ['/../socklab-outside.txt', '/%2e%2e/socklab-outside.txt', '/..%2fsocklab-outside.txt', '/%E0%A4%A']) {
      const res = await new Promise<{ status: number; body: string }>((resolve) => {
        import('node:http').then((http) =>
          http.get({ host: '127.0.0.1', port: host.port, path: p }, (r) => {
            let body = ''
            r.on('data', (d) => (body += d))
            r.on('end', () => resolve({ status: r.statusCode!, body }))
          })
        )
      })
      expect(res.body).not.toContain('secret')
      expect([400, 404]).toContain(res.status)
    }
  })

  it.each([
    ['no token', '', {}],
    ['a wrong token', '?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {}],
    ['another origin', 'TOKEN', { Origin: 'http://evil.example' }],
    ['no origin', 'TOKEN', { Origin: '' }]
  ])('refuses a WebSocket with %s', async (_name, query, headers) => {
    await boot()
    const q = query === 'TOKEN' ? `?token=${host.token}` : query
    await expect(connect(q, headers)).rejects.toThrow(/403|Unexpected|socket hang up/)
  })

  it('runs the contract: validated calls, one-line errors, and events in batches', async () => {
    await boot()
    const ws = await connect(`?token=${host.token}`)
    const events: unknown[] = []
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as HostMessage
      if ('events' in m) events.push(...decodeEvents(m))
    })
    sayReady(ws, 'events')
    const info = await call(ws, 1, 'hostInfo', [])
    expect(info).toMatchObject({ id: 1, reply: { ok: true, value: { host: 'browser', canChooseFolder: false } } })
    const bad = await call(ws, 2, 'start', [{ kind: 'tcp-server', address: '127.0.0.1', port: 99999, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 }])
    expect(bad).toMatchObject({ id: 2, reply: { ok: false, code: 'EBADCALL' } })
    const unknown = await call(ws, 3, 'eval', ['process.exit()'])
    expect(unknown).toMatchObject({ reply: { ok: false, error: 'unknown command <eval>' } })
    // Garbage that is not a call gets no answer and breaks nothing.
    ws.send('not json')
    ws.send(Buffer.from([0, 1, 2]))
    ws.send(JSON.stringify({ verb: 'list' }))
    const started = await call(ws, 4, 'start', [{ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 }])
    expect(started).toMatchObject({ reply: { ok: true, value: { id: 'udp-server-1' } } })
    // Events come in batches after the reply: wait for them (a loaded machine is slow), not a fixed time.
    for (const until = Date.now() + 5000; events.length < 2 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50))
    expect(events).toMatchObject([{ kind: 'bind' }, { kind: 'console', info: expect.stringMatching(/^Server waiting on \(127\.0\.0\.1, \d+\)$/) }, { kind: 'lifecycle', detail: { step: 'started', n: 1 } }])
    // The console a window shows the endpoint in: checked, kept, reported.
    const wrongConsole = await call(ws, 5, 'start', [{ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 }, 'udp:client:1'])
    expect(wrongConsole).toMatchObject({ reply: { ok: false, code: 'EBADCALL', error: 'start: that endpoint does not speak in that console' } })
    const client = await call(ws, 6, 'start', [{ kind: 'udp-client', address: '127.0.0.1', port: 12000, recvSize: 2048, timeoutMs: 1000 }, 'udp:client:3'])
    expect(client).toMatchObject({ reply: { ok: true, value: { id: 'udp-client-1', console: 'udp:client:3' } } })
    await call(ws, 7, 'stop', ['udp-client-1'])
    expect(await call(ws, 8, 'stopped', [])).toMatchObject({ reply: { ok: true, value: [{ id: 'udp-client-1', console: 'udp:client:3' }] } })
    ws.close()
  })

  it('closes a connection that sends an oversized message, and keeps serving others', async () => {
    await boot()
    const ws = await connect(`?token=${host.token}`)
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)))
    ws.send('x'.repeat(300 * 1024))
    expect(await closed).toBe(1009)
    const again = await connect(`?token=${host.token}`)
    expect(await call(again, 1, 'list', [])).toMatchObject({ reply: { ok: true, value: [] } })
    again.close()
  })

  it(`caps a lab at ${MAX_ENDPOINTS_PER_LAB} endpoints with a one-line error, and still serves its page and hostInfo`, async () => {
    await boot()
    const ws = await connect(`?token=${host.token}`)
    const udpServer = { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 }
    // Asked all at once, as a hostile page would: starts under way count, so none slips past.
    const replies = await Promise.all(Array.from({ length: MAX_ENDPOINTS_PER_LAB + 6 }, (_, i) => call(ws, i + 1, 'start', [udpServer])))
    const started = replies.filter((m) => 'reply' in m && m.reply.ok)
    const refused = replies.filter((m) => 'reply' in m && !m.reply.ok)
    expect(started).toHaveLength(MAX_ENDPOINTS_PER_LAB)
    expect(refused).toHaveLength(6)
    for (const m of refused) {
      expect(m).toMatchObject({
        reply: { ok: false, code: 'ELIMIT', error: `this lab already runs ${MAX_ENDPOINTS_PER_LAB} servers and clients, the most it allows: stop one before starting another` }
      })
    }
    expect(await call(ws, 1000, 'hostInfo', [])).toMatchObject({ reply: { ok: true, value: { host: 'browser' } } })
    const page = await fetch(host.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>socklab</title>')
    // A second window (a reload) still connects and is served.
    const again = await connect(`?token=${host.token}`)
    expect(await call(again, 1, 'list', [])).toMatchObject({ reply: { ok: true, value: expect.arrayContaining([expect.objectContaining({ id: 'udp-server-1' })]) } })
    // Stopping one makes room for one.
    expect(await call(again, 2, 'stop', ['udp-server-1'])).toMatchObject({ reply: { ok: true } })
    expect(await call(again, 3, 'start', [udpServer])).toMatchObject({ reply: { ok: true } })
    expect(await call(again, 4, 'start', [udpServer])).toMatchObject({ reply: { ok: false, code: 'ELIMIT' } })
    ws.close()
    again.close()
  })

  it(`serves at most ${MAX_VIEWERS} windows at once and says why it closes the next one`, async () => {
    await boot()
    const open = await Promise.all(Array.from({ length: MAX_VIEWERS }, () => connect(`?token=${host.token}`)))
    const extra = await connect(`?token=${host.token}`)
    const [code, reason] = await new Promise<[number, string]>((resolve) => extra.once('close', (c, r) => resolve([c, r.toString()])))
    expect(code).toBe(1013)
    expect(reason).toBe(`socklab serves at most ${MAX_VIEWERS} windows at once: close one, then reload`)
    expect(await call(open[0], 1, 'hostInfo', [])).toMatchObject({ reply: { ok: true } })
    const closed = new Promise((resolve) => open[1].once('close', resolve))
    open[1].close()
    await closed
    await new Promise((resolve) => setTimeout(resolve, 100))
    const next = await connect(`?token=${host.token}`)
    expect(await call(next, 1, 'list', [])).toMatchObject({ reply: { ok: true, value: [] } })
    for (const ws of [...open, next]) ws.close()
  })
})

const skipCapture = await captureSkipReason()

describe('browser host: the capture', () => {
  /** GETs a path of the host with the given headers: status and body. */
  const get = (p: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; type?: string }> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: host.port, path: p, headers }, (r) => {
          const chunks: Buffer[] = []
          r.on('data', (d: Buffer) => chunks.push(d))
          r.on('end', () => resolve({ status: r.statusCode!, body: Buffer.concat(chunks), type: r.headers['content-type'] }))
        })
        .on('error', reject)
    })

  it('serves the pcapng download only with the token and not to another site; before any packet it says why there is none', async () => {
    await boot()
    expect((await get(`${PCAPNG_PATH}`)).status).toBe(403)
    expect((await get(`${PCAPNG_PATH}?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(403)
    expect((await get(`${PCAPNG_PATH}?token=${host.token}`, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    const none = await get(`${PCAPNG_PATH}?token=${host.token}`, { 'Sec-Fetch-Site': 'same-origin' })
    expect(none.status).toBe(404)
    expect(none.body.toString()).toBe('nothing captured yet: open the Wire view, then run an exchange')
  })

  it.skipIf(skipCapture)('streams packets beside the events and gives the window a download of what it captured, which tshark reads', async () => {
    await boot()
    const ws = await connect(`?token=${host.token}`)
    const packets: WirePacket[] = []
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as HostMessage
      if ('packets' in m) packets.push(...m.packets)
    })
    sayReady(ws, 'packets')
    expect(await call(ws, 1, 'startCapture', [])).toMatchObject({ reply: { ok: true, value: { state: 'on' } } })
    const server = (await call(ws, 2, 'start', [{ kind: 'tcp-server', address: '127.0.0.1', port: 0, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 }])) as { reply: { value: { local: { port: number } } } }
    const port = server.reply.value.local.port
    const client = (await call(ws, 3, 'start', [{ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 5000 }])) as { reply: { value: { id: string } } }
    expect(await call(ws, 4, 'send', [client.reply.value.id, 'hello'])).toMatchObject({ reply: { ok: true } })
    for (let i = 0; i < 400 && !packets.some((p) => p.step === 'last-ack'); i++) await new Promise((r) => setTimeout(r, 25))
    expect(packets.slice(0, 3).map((p) => p.step)).toEqual(['handshake-1', 'handshake-2', 'handshake-3'])
    const exported = (await call(ws, 5, 'exportPcapng', [])) as { reply: { value: { kind: string; url: string } } }
    expect(exported.reply.value).toEqual({ kind: 'download', url: `${PCAPNG_PATH}?token=${host.token}` })
    const file = await get(exported.reply.value.url, { 'Sec-Fetch-Site': 'same-origin' })
    expect(file.status).toBe(200)
    expect(file.type).toBe('application/x-pcapng')
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-download-'))
    await fs.writeFile(path.join(dir, 'lab.pcapng'), file.body)
    expect(await packetCount(path.join(dir, 'lab.pcapng'))).toBe(packets.length)
    await fs.rm(dir, { recursive: true, force: true })
    ws.close()
  }, 60_000)
})
