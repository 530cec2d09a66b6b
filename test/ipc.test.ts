// The IPC binding, driven through a fake ipcMain: the Electron boundary is the one place a mock
// stands in, since the Electron binary cannot run here. Everything behind it is real (Lab, sockets).

import { afterEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../src/shared/events'
import { channelOf, FEED_CHANNEL, READY_CHANNEL, VERBS } from '../src/shared/contract'
import { decodeEvents, type FeedMessage } from '../src/shared/feed'
import type { WirePacket } from '../src/shared/wire'
import { captureSkipReason } from './helpers/capture'
import { LabSession } from '../src/session/lab-session'
import { bindSessionToIpc, type IpcBinding, type IpcCallEvent, type RendererTarget } from '../src/main/ipc'
import { FakeIpcMain } from './helpers/fake-ipc'
import { Lab } from '../src/engine/lab'

const OWN_URL = 'file:///app/out/renderer/index.html'
const window: RendererTarget & { sent: LabEvent[][]; packets: WirePacket[][] } = {
  id: 7,
  sent: [],
  packets: [],
  send(channel, payload) {
    if (channel !== FEED_CHANNEL) return
    const message = payload as FeedMessage
    if ('events' in message) this.sent.push(decodeEvents(message))
    if ('packets' in message) this.packets.push(message.packets)
  },
  isDestroyed: () => false
}
const own: IpcCallEvent = { sender: { id: 7 }, senderFrame: { url: OWN_URL } }

let lab: Lab
let session: LabSession
let binding: IpcBinding
let ipc: FakeIpcMain

function bind(): void {
  lab = new Lab()
  session = new LabSession({ lab, facts: { host: 'electron', version: 'test', sampleSite: '/nowhere' } })
  ipc = new FakeIpcMain()
  window.sent = []
  window.packets = []
  binding = bindSessionToIpc(ipc, session, window, (url) => url === OWN_URL)
}

afterEach(async () => {
  binding?.dispose()
  await Promise.all([lab?.stopAll(), session?.close()])
})

describe('IPC binding', () => {
  it('registers one handler per verb and nothing else', () => {
    bind()
    expect([...ipc.handlers.keys()].sort()).toEqual(VERBS.map(channelOf).sort())
  })

  it('serves a well-formed call from our window with a real server behind it', async () => {
    bind()
    const reply = (await ipc.invoke(own, channelOf('start'), { kind: 'tcp-server', address: '127.0.0.1', port: 0, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })) as {
      ok: boolean
      value: { id: string; local: { port: number } }
    }
    expect(reply.ok).toBe(true)
    expect(reply.value.id).toBe('tcp-server-1')
    expect(reply.value.local.port).toBeGreaterThan(0)
    expect(await ipc.invoke(own, channelOf('list'))).toMatchObject({ ok: true, value: [{ id: 'tcp-server-1' }] })
  })

  it.each([
    ['a wrong type', channelOf('start'), [{ kind: 'tcp-server', address: '127.0.0.1', port: '12000', recvSize: 1024, concurrent: false, idleTimeoutMs: 0 }], /^Port must be an integer in 1024\.\.65535$/],
    ['a port below 1024', channelOf('start'), [{ kind: 'tcp-server', address: '127.0.0.1', port: 80, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 }], /^Port must be an integer in 1024\.\.65535$/],
    ['an unknown kind', channelOf('start'), [{ kind: 'ftp-server', address: '127.0.0.1', port: 2121 }], /kind/],
    ['an extra field', channelOf('start'), [{ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048, exec: 'rm -rf /' }], /exec|unrecognized/i],
    ['a bad address', channelOf('start'), [{ kind: 'udp-server', address: '1.2.3.4.5', port: 0, recvSize: 2048 }], /invalid address/],
    ['a prototype-polluting payload', channelOf('start'), [JSON.parse('{"__proto__":{"polluted":1},"kind":"tcp-server"}')], /./],
    ['missing arguments', channelOf('send'), [], /./],
    ['too many arguments', channelOf('list'), [1, 2, 3], /./],
    ['a non-string id', channelOf('stop'), [{ id: 1 }], /./],
    ['an id that is a path', channelOf('stop'), ['../../etc/passwd'], /not an endpoint id/],
    ['an oversized input', channelOf('send'), ['tcp-client-1', 'x'.repeat(70_000)], /^the input is longer than 65536 characters$/],
    ['a null payload', channelOf('start'), [null], /./]
  ])('rejects %s with a one-line error and keeps working', async (_name, channel, args, pattern) => {
    bind()
    const reply = (await ipc.invoke(own, channel, ...args)) as { ok: boolean; error: string; code: string }
    expect(reply.ok).toBe(false)
    expect(reply.code).toBe('EBADCALL')
    expect(reply.error).toMatch(pattern)
    expect(reply.error).not.toContain('\n')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // Still serving afterwards.
    expect(await ipc.invoke(own, channelOf('list'))).toEqual({ ok: true, value: [] })
  })

  const tcpClient = { kind: 'tcp-client', address: '127.0.0.1', port: 12000, recvSize: 1024, timeoutMs: 5000 }
  it.each([
    ['a key that is no console of the window', 'tcp:client:0', /^start: not a console of the window$/],
    ['a console of another lab', 'udp:client:2', /^start: that endpoint does not speak in that console$/],
    ["a server's console for a client", 'tcp:server', /^start: that endpoint does not speak in that console$/],
    ['an oversized key', `tcp:client:${'9'.repeat(5000)}`, /^start: /],
    ['a number', 2, /^start: /],
    ['null', null, /^start: /],
    ['an object', { toString: 'tcp:client:1' }, /^start: /]
  ])("refuses a start whose console is %s, in one line, and starts nothing", async (_name, key, pattern) => {
    bind()
    const reply = (await ipc.invoke(own, channelOf('start'), tcpClient, key)) as { ok: boolean; error: string; code: string }
    expect(reply).toMatchObject({ ok: false, code: 'EBADCALL' })
    expect(reply.error).toMatch(pattern)
    expect(reply.error).not.toContain('\n')
    expect(lab.list()).toEqual([])
  })

  it('keeps the console a start names with the endpoint, in list() and in stopped() once it stops; a start without one still works', async () => {
    bind()
    const keyed = (await ipc.invoke(own, channelOf('start'), tcpClient, 'tcp:client:2')) as { ok: boolean; value: { id: string; console?: string } }
    expect(keyed).toMatchObject({ ok: true, value: { id: 'tcp-client-1', console: 'tcp:client:2' } })
    const plain = (await ipc.invoke(own, channelOf('start'), tcpClient)) as { ok: boolean; value: { id: string; console?: string } }
    expect(plain.ok).toBe(true)
    expect(plain.value.console).toBeUndefined()
    expect(await ipc.invoke(own, channelOf('list'))).toMatchObject({ ok: true, value: [{ id: 'tcp-client-1', console: 'tcp:client:2' }, { id: 'tcp-client-2' }] })
    await ipc.invoke(own, channelOf('stop'), 'tcp-client-1')
    await ipc.invoke(own, channelOf('stop'), 'tcp-client-2')
    expect(await ipc.invoke(own, channelOf('stopped'))).toEqual({ ok: true, value: [{ id: 'tcp-client-1', console: 'tcp:client:2', config: tcpClient }, { id: 'tcp-client-2', config: tcpClient }] })
  })

  it('has no handler for an unknown channel', async () => {
    bind()
    await expect(ipc.invoke(own, 'lab:exec', 'ls')).rejects.toThrow(/No handler/)
  })

  it.each([
    ['another window', { sender: { id: 8 }, senderFrame: { url: OWN_URL } }],
    ['a frame from elsewhere', { sender: { id: 7 }, senderFrame: { url: 'https://example.com/' } }],
    ['a file that is not ours', { sender: { id: 7 }, senderFrame: { url: 'file:///tmp/evil.html' } }]
  ])('refuses calls from %s', async (_name, event) => {
    bind()
    const reply = await ipc.invoke(event as IpcCallEvent, channelOf('start'), { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    expect(reply).toMatchObject({ ok: false, code: 'EUNTRUSTED' })
    expect(lab.list()).toEqual([])
  })

  it('reports engine failures as one line (port in use), not as a crash', async () => {
    bind()
    const first = (await ipc.invoke(own, channelOf('start'), { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })) as { value: { local: { port: number } } }
    const port = first.value.local.port
    const second = await ipc.invoke(own, channelOf('start'), { kind: 'udp-server', address: '127.0.0.1', port, recvSize: 2048 })
    expect(second).toMatchObject({ ok: false, code: 'EADDRINUSE', error: expect.stringContaining(`port ${port} is already in use`) })
  })

  it('holds events until the renderer is ready, then delivers them in order and in batches', async () => {
    bind()
    await ipc.invoke(own, channelOf('start'), { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    await new Promise((r) => setTimeout(r, 50))
    expect(window.sent).toEqual([])
    ipc.send({ sender: { id: 99 } }, READY_CHANNEL, 'events') // a stranger's "ready" changes nothing
    ipc.send(own, READY_CHANNEL, 'everything') // nor a feed that does not exist
    expect(window.sent).toEqual([])
    ipc.send(own, READY_CHANNEL, 'events')
    const delivered = window.sent.flat()
    expect(delivered.map((e) => e.kind)).toEqual(['bind', 'console', 'lifecycle'])
    expect(delivered.map((e) => e.seq)).toEqual([1, 2, 3])
    await ipc.invoke(own, channelOf('start'), { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    await new Promise((r) => setTimeout(r, 50))
    expect(window.sent.length).toBe(2)
    expect(window.sent[1].map((e) => e.seq)).toEqual([4, 5, 6])
  })

  it('showView speaks for the calling window: it gets a number, and a view that does not check is refused', async () => {
    bind()
    const view = { lab: 'tcp', tabs: [{ key: 'tcp:client:1' }], tab: 'tcp:client:1', view: 'ladder' }
    const reply = (await ipc.invoke(own, channelOf('showView'), view)) as { ok: boolean; value: { self: { n: number }; windows: unknown[] } }
    expect(reply.ok).toBe(true)
    expect(reply.value.self.n).toBe(1)
    expect(reply.value.windows).toEqual([{ n: 1, open: true, view }])
    // Again from the same window: the same number (a reload in Electron keeps the window).
    expect(((await ipc.invoke(own, channelOf('showView'), { ...view, view: 'log' })) as typeof reply).value.self.n).toBe(1)
    const bad = (await ipc.invoke(own, channelOf('showView'), { ...view, tab: 'http:client:1' })) as { ok: boolean; error: string }
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('another lab') })
    const stranger = (await ipc.invoke({ sender: { id: 8 } }, channelOf('showView'), view)) as { ok: boolean; code: string }
    expect(stranger).toMatchObject({ ok: false, code: 'EUNTRUSTED' })
    // Called without a window (the session's own callers): refused in one line.
    expect(await session.call('showView', [view])).toMatchObject({ ok: false, error: 'showView: only a window of this host can share its view' })
  })

  it('dispose removes every handler, so a window can be bound again', () => {
    bind()
    binding.dispose()
    expect(ipc.handlers.size).toBe(0)
    expect(ipc.listeners.size).toBe(0)
  })
})

const skipCapture = await captureSkipReason()

describe.skipIf(skipCapture)('IPC binding: the capture (real dumpcap and tshark)', () => {
  it('answers the capture verbs from our window only, and sends packets once the renderer is ready for them', async () => {
    bind()
    const stranger: IpcCallEvent = { sender: { id: 8 }, senderFrame: { url: OWN_URL } }
    expect(await ipc.invoke(stranger, channelOf('startCapture'))).toMatchObject({ ok: false, code: 'EUNTRUSTED' })
    expect(await ipc.invoke(own, channelOf('startCapture'))).toMatchObject({ ok: true, value: { state: 'on' } })
    const server = (await ipc.invoke(own, channelOf('start'), { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })) as { value: { local: { port: number } } }
    const port = server.value.local.port
    const client = (await ipc.invoke(own, channelOf('start'), { kind: 'udp-client', address: '127.0.0.1', port, recvSize: 2048, timeoutMs: 5000 })) as { value: { id: string } }
    expect(await ipc.invoke(own, channelOf('send'), client.value.id, 'ping')).toMatchObject({ ok: true })
    for (let i = 0; i < 200 && session.capture.history().length < 2; i++) await new Promise((r) => setTimeout(r, 25))
    // Not listening yet: the packets wait in the capture's ring, not in a queue for the window...
    expect(window.packets).toEqual([])
    // ...and come as its replay once it is.
    ipc.send(own, READY_CHANNEL, 'packets')
    expect(window.packets.flat().map((p) => p.sender)).toEqual(['client', 'server'])
    await ipc.invoke(own, channelOf('send'), client.value.id, 'again')
    const again = (): WirePacket[] => window.packets.flat().filter((p) => p.length === 5)
    for (let i = 0; i < 200 && again().length < 2; i++) await new Promise((r) => setTimeout(r, 25))
    expect(again().map((p) => [p.proto, p.sender])).toEqual([
      ['UDP', 'client'],
      ['UDP', 'server']
    ])
    expect(await ipc.invoke(own, channelOf('kernelState'))).toMatchObject({ ok: true, value: { exposed: process.platform === 'linux' } })
    // The version a window holds is a whole number or nothing.
    expect(await ipc.invoke(own, channelOf('kernelState'), -1)).toMatchObject({ ok: false })
    expect(await ipc.invoke(own, channelOf('kernelState'), 'all')).toMatchObject({ ok: false })
  }, 60_000)
})
