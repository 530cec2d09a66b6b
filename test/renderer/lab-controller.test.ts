// The window's controller against a real browser host (in this process, over its WebSocket, with
// the window's own WebSocket client): what a student does in the window, without the DOM. The
// consoles are a recording double, the one part that needs a browser (e2e covers the xterm side).

import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { LabApi } from '../../src/shared/contract'
import { Lab } from '../../src/engine/lab'
import { startBrowserHost, type BrowserHost } from '../../src/web-host/browser-host'
import type { LineStyle } from '../../src/renderer/src/consoles/consoles'
import { EventStore } from '../../src/renderer/src/feed/event-store'
import { CANCELLED as CANCELLED_SAID, draftOf, EMPTY_SENTENCE as EMPTY_SENTENCE_SAID, LabController, SERVER_STOPPED as SERVER_STOPPED_SAID, type ConsoleLines } from '../../src/renderer/src/lab/lab-controller'
import { clientStatus as clientStatusSaid, isBusy, type ClientTab, type LabKind } from '../../src/renderer/src/lab/lab-state'
import type { Said } from '../../src/shared/i18n/said'
import { english, italian } from '../helpers/words'
import { connectWsLabApi } from '../../src/renderer/src/lab/ws-lab-api'
import { loadViewMemory, type ViewMemory } from '../../src/renderer/src/lab/view-memory'
import { freePort } from '../helpers/processes'

// The window's notes as an English window words them (the controller says them as Saids).
const EMPTY_SENTENCE = english(EMPTY_SENTENCE_SAID)
const SERVER_STOPPED = english(SERVER_STOPPED_SAID)
const CANCELLED = english(CANCELLED_SAID)
const clientStatus = (lab: LabKind, tab: ClientTab): string => english(clientStatusSaid(lab, tab))

/** The consoles as lines, each as an English window shows it (`ERROR: ` included), with its style. */
class RecordingConsoles implements ConsoleLines {
  readonly lines = new Map<string, { text: string; style: LineStyle }[]>()
  write(key: string, line: string | Said, style: LineStyle = 'plain'): void {
    const text = english(line)
    const list = this.lines.get(key) ?? []
    list.push({ text, style })
    this.lines.set(key, list)
  }
  readLines(): void {}
  text(key: string): string[] {
    return (this.lines.get(key) ?? []).map((l) => l.text)
  }
  /** How many lines of console `key` contain `part`. */
  count(key: string, part: string): number {
    return this.text(key).filter((t) => t.includes(part)).length
  }
}

interface TestWindow {
  api: LabApi
  controller: LabController
  consoles: RecordingConsoles
}

let rendererDir: string
let lab: Lab
let host: BrowserHost
/** What each test opened: windows' subscriptions, peers' servers. */
const closers: (() => void)[] = []

beforeAll(async () => {
  rendererDir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-renderer-'))
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>socklab</title>')
})
afterAll(() => fs.rm(rendererDir, { recursive: true, force: true }))

beforeEach(async () => {
  lab = new Lab()
  host = await startBrowserHost({ lab, rendererDir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
})

afterEach(async () => {
  for (const close of closers.splice(0)) close()
  await host.close()
  await lab.stopAll()
})

/** The window's WebSocket client, over the `ws` package with the Origin a browser would send. */
async function connectApi(): Promise<LabApi> {
  const origin = `http://127.0.0.1:${host.port}`
  class NodeSocket extends WebSocket {
    constructor(address: string) {
      super(address, { origin })
    }
  }
  return connectWsLabApi(() => undefined, `ws://127.0.0.1:${host.port}/lab?token=${host.token}`, NodeSocket as unknown as typeof globalThis.WebSocket)
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A loaded machine: every batch of events reaches the window `ms` after the host sent it. */
const lateEvents = (api: LabApi, ms: number): LabApi => ({ ...api, onEvents: (listener) => api.onEvents((batch, replay) => void delay(ms).then(() => listener(batch, replay))) })

/** The other order: the replies (and rejections) of actions reach the window `ms` late, after the events they caused. */
function lateReplies(api: LabApi, ms: number): LabApi {
  const out = { ...api } as Record<string, unknown>
  for (const verb of ['start', 'stop', 'connect', 'send'] as const) {
    const call = api[verb] as (...args: unknown[]) => Promise<unknown>
    out[verb] = (...args: unknown[]) =>
      call(...args).then(
        async (value) => (await delay(ms), value),
        async (err) => {
          await delay(ms)
          throw err
        }
      )
  }
  return out as LabApi
}

/** A lab window (a new one, or the same after a reload), opening: it restores from the host, then follows it. */
async function newWindow(wrap: (api: LabApi) => LabApi = (api) => api, memory: (session: string) => Partial<ViewMemory> = () => ({})): Promise<TestWindow> {
  const api = wrap(await connectApi())
  const consoles = new RecordingConsoles()
  const store = new EventStore(undefined, (run) => setTimeout(run, 0))
  const info = await api.hostInfo()
  const controller = new LabController({ api, info, consoles, store, memory: memory(info.session) })
  closers.push(controller.open())
  const w: TestWindow = { api, controller, consoles }
  return w
}

/** A lab window once it has shown what the host holds. */
async function openWindow(wrap?: (api: LabApi) => LabApi, memory?: (session: string) => Partial<ViewMemory>): Promise<TestWindow> {
  const w = await newWindow(wrap, memory)
  await settled(w)
  return w
}

/** A sessionStorage for view memory, as a browser window has (one per test, shared by its windows: one window reloaded). */
function windowStorage(): void {
  const saved = new Map<string, string>()
  const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) }
  Object.assign(globalThis, { window: { sessionStorage: storage } })
  closers.push(() => delete (globalThis as { window?: unknown }).window)
}

/** A TCP server of the test's own on a port the OS picks. */
async function peer(listener?: (socket: net.Socket) => void, address = '127.0.0.1'): Promise<number> {
  const server = net.createServer(listener)
  closers.push(() => server.close())
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  return (server.address() as net.AddressInfo).port
}

let marks = 0
/**
 * Waits until the window has everything the host recorded so far: a line written through the host
 * now comes after all of it in the one ordered stream, so once it shows, the rest has shown.
 */
async function settled(w: TestWindow): Promise<void> {
  const mark = `(mark ${++marks})`
  await w.api.writeConsole({ console: 'http:server', style: 'note', text: mark })
  await expect.poll(() => w.consoles.count('http:server', mark), { timeout: 10_000 }).toBe(1)
}

/** A server that takes connections and never answers, as a broken student server would. */
const silentServer = (): Promise<number> =>
  peer((socket) => {
    socket.on('error', () => undefined)
    socket.resume()
  })

const tab = (w: TestWindow, kind: 'tcp' | 'udp' | 'http' = 'tcp', n = 0) => w.controller.getSnapshot().labs[kind].tabs[n]

describe('an error shows exactly once', () => {
  const orders: [string, (api: LabApi) => LabApi][] = [
    ['as it comes', (api) => api],
    ['when its event comes 400 ms after the rejection', (api) => lateEvents(api, 400)],
    ['when the rejection comes 400 ms after its event', (api) => lateReplies(api, 400)]
  ]

  for (const [order, wrap] of orders) {
    it(`connection refused (TCP), ${order}, and again after a reload`, async () => {
      const w = await openWindow(wrap)
      const port = await freePort()
      w.controller.changeClient('tcp', tab(w).key, { port: String(port), portEdited: true })
      await w.controller.send('tcp', tab(w).key, 'anyone there')
      expect(tab(w).phase).toBe('failed')
      await settled(w)
      const refused = `ERROR: connection refused by (127.0.0.1, ${port})`
      expect(w.consoles.count(tab(w).key, refused)).toBe(1)
      const reloaded = await openWindow()
      expect(reloaded.consoles.count('tcp:client:1', refused)).toBe(1)
    })

    it(`a port in use (server start), ${order}, and again after a reload`, async () => {
      const busy = await peer(undefined, '0.0.0.0')
      const w = await openWindow(wrap)
      w.controller.setServerPort('tcp', String(busy))
      await w.controller.startServer('tcp')
      expect(w.controller.getSnapshot().labs.tcp.run).toBeUndefined()
      await settled(w)
      const inUse = `ERROR: port ${busy} is already in use`
      expect(w.consoles.count('tcp:server', inUse)).toBe(1)
      const reloaded = await openWindow()
      expect(reloaded.consoles.count('tcp:server', inUse)).toBe(1)
    })

    it(`a UDP client's timeout, ${order}, and again after a reload`, async () => {
      const w = await openWindow(wrap)
      const port = await freePort()
      w.controller.setActive('udp')
      w.controller.changeClient('udp', tab(w, 'udp').key, { port: String(port), portEdited: true, timeout: '0.3' })
      await w.controller.send('udp', tab(w, 'udp').key, 'anyone')
      expect(tab(w, 'udp').phase).toBe('failed')
      await settled(w)
      const noReply = `ERROR: no reply from (127.0.0.1, ${port}) within 0.3 s`
      expect(w.consoles.count('udp:client:1', noReply)).toBe(1)
      const reloaded = await openWindow()
      expect(reloaded.consoles.count('udp:client:1', noReply)).toBe(1)
    })
  }

  it('the host says which failures an event of the endpoint reported already', async () => {
    const api = await connectApi()
    const client = await api.start({ kind: 'tcp-client', address: '127.0.0.1', port: await freePort(), recvSize: 1024, timeoutMs: 5000 })
    await expect(api.send(client.id, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED', reported: true })
    await expect(api.send(client.id, '')).rejects.toMatchObject({ code: 'EEMPTY', reported: true })
    const http = await api.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await expect(api.send(http.id, 'ftp://nowhere/')).rejects.toMatchObject({ reported: true })
    // A server that cannot start has no event saying so: the window must say it.
    const server = await api.start({ kind: 'tcp-server', address: '127.0.0.1', port: 0, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    const port = server.local!.port
    await expect(api.start({ kind: 'tcp-server', address: '127.0.0.1', port, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })).rejects.toMatchObject({ code: 'EADDRINUSE', reported: false })
  })
})

describe('an empty sentence', () => {
  it('goes out over UDP as an empty datagram, as the course client sends it, and the server answers with one', async () => {
    const w = await openWindow()
    w.controller.setServerPort('udp', String(await freePort()))
    await w.controller.startServer('udp')
    await w.controller.send('udp', tab(w, 'udp').key, '')
    expect(w.controller.getSnapshot().problems['udp:client']).toBeUndefined()
    expect(tab(w, 'udp')).toMatchObject({ phase: 'done', received: 0 })
    // The server's recvfrom() returned a datagram of 0 bytes, and its reply was one too.
    const datagrams = lab.history().filter((e) => e.proto === 'UDP' && (e.kind === 'send' || e.kind === 'recv'))
    expect(datagrams.map((e) => [e.role, e.kind, e.length])).toEqual([
      ['client', 'send', 0],
      ['server', 'recv', 0],
      ['server', 'send', 0],
      ['client', 'recv', 0]
    ])
  })
})

describe("the window's own lines", () => {
  it('a refusal, "Server stopped" and "Cancelled" come back once each after a reload, and a second window shows them as they happen', async () => {
    const w = await openWindow()
    const other = await openWindow()
    const port = await freePort()
    w.controller.setServerPort('tcp', String(port))
    await w.controller.startServer('tcp')
    await w.controller.send('tcp', tab(w).key, '')
    expect(w.controller.getSnapshot().problems['tcp:client']).toEqual(EMPTY_SENTENCE_SAID)
    expect(italian(w.controller.getSnapshot().problems['tcp:client']!)).toMatch(/^Scrivi prima una frase/)
    await w.controller.stopServer('tcp')

    // A client waiting on a server that never answers, cancelled.
    const silent = await silentServer()
    w.controller.changeClient('tcp', tab(w).key, { port: String(silent), portEdited: true })
    const sending = w.controller.send('tcp', tab(w).key, 'hello?')
    await expect.poll(() => lab.list().some((ep) => ep.config.kind === 'tcp-client')).toBe(true)
    await expect.poll(() => tab(w).phase).toBe('waiting')
    // The other window adopts it while it waits, and follows it.
    await expect.poll(() => tab(other, 'tcp', 1)?.phase).toBe('waiting')
    await w.controller.cancel('tcp', tab(w).key)
    await sending
    expect(tab(w).phase).toBe('cancelled')
    expect(clientStatus('tcp', tab(w))).toBe('cancelled: ready for a new try')
    await settled(w)
    await settled(other)
    // It says so there too, as a reload says it: not "closed".
    await expect.poll(() => tab(other, 'tcp', 1)?.phase).toBe('cancelled')

    const reloaded = await openWindow()
    // The window open all along adopted the client in a tab of its own, after its own first tab.
    expect(tab(other, 'tcp', 1)).toMatchObject({ key: 'tcp:client:2', label: 'Client 2' })
    for (const [win, clientTab] of [[w, 'tcp:client:1'], [other, 'tcp:client:2'], [reloaded, 'tcp:client:1']] as const) {
      expect(win.consoles.count('tcp:server', SERVER_STOPPED)).toBe(1)
      expect(win.consoles.count('tcp:client:1', `ERROR: ${EMPTY_SENTENCE}`)).toBe(1)
      expect(win.consoles.count(clientTab, CANCELLED)).toBe(1)
      // The sentence, as the course's client echoes it; the refused empty one was never echoed.
      expect(win.consoles.lines.get(clientTab)!.filter((l) => l.style === 'input').map((l) => l.text)).toEqual(['hello?'])
    }
    // In order: the refusal, then the exchange the student cancelled.
    const text = reloaded.consoles.text('tcp:client:1')
    expect(text.findIndex((t) => t.includes(EMPTY_SENTENCE))).toBeLessThan(text.indexOf('hello?'))
    expect(text.indexOf('hello?')).toBeLessThan(text.indexOf(CANCELLED))
  })

  it('a line for a tab this window does not have goes to the first tab of its lab', async () => {
    const w = await openWindow()
    await w.api.writeConsole({ console: 'udp:client:7', style: 'note', text: 'from tab 7 of another window' })
    await settled(w)
    expect(w.consoles.text('udp:client:1')).toContain('from tab 7 of another window')
  })
})

describe('the controller', () => {
  it('after a reload, each TCP client tab shows what its endpoint does (connected, queued and waiting), and Close and Cancel work', async () => {
    const w = await openWindow()
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    // Client 1 holds the iterative server; clients 2 and 3 send and wait behind it in its backlog.
    await w.controller.connect('tcp', tab(w, 'tcp', 0).key)
    expect(tab(w, 'tcp', 0).phase).toBe('connected')
    const pending: Promise<void>[] = []
    for (const [n, sentence] of [[1, 'queued'], [2, 'third']] as const) {
      w.controller.addTab('tcp')
      pending.push(w.controller.send('tcp', tab(w, 'tcp', n).key, sentence))
      await expect.poll(() => lab.history().some((e) => e.endpoint === `tcp-client-${n + 1}` && e.kind === 'send')).toBe(true)
    }
    await expect.poll(() => lab.history().filter((e) => e.kind === 'queued').length).toBe(2)

    const r = await openWindow()
    expect(r.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])).toEqual([
      ['Client 1', 'tcp-client-1', 'connected'],
      ['Client 2', 'tcp-client-2', 'waiting'],
      ['Client 3', 'tcp-client-3', 'waiting']
    ])
    // Cancel ends a wait the reloaded window did not start.
    await r.controller.cancel('tcp', tab(r, 'tcp', 2).key)
    expect(tab(r, 'tcp', 2).phase).toBe('cancelled')
    expect(lab.list().some((ep) => ep.id === 'tcp-client-3')).toBe(false)
    await expect.poll(() => r.consoles.count('tcp:client:3', CANCELLED)).toBe(1)
    // Close frees the server, which serves client 2: its tab follows the exchange to its end.
    await r.controller.cancel('tcp', tab(r, 'tcp', 0).key)
    expect(tab(r, 'tcp', 0).phase).toBe('closed')
    expect(lab.list().some((ep) => ep.id === 'tcp-client-1')).toBe(false)
    await expect.poll(() => tab(r, 'tcp', 1).phase, { timeout: 10_000 }).toBe('done')
    expect(clientStatus('tcp', tab(r, 'tcp', 1))).toBe('done: 6 bytes received')
    await Promise.allSettled(pending)
  })

  it('applies a restore to the state as it is when the reply comes: fields typed meanwhile stay', async () => {
    // Another window started a server; this one opens while the list request is slow.
    const first = await openWindow()
    first.controller.setServerPort('tcp', String(await freePort()))
    await first.controller.startServer('tcp')
    const running = first.controller.getSnapshot().labs.tcp.run!
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const slowList = (api: LabApi): LabApi => ({ ...api, list: () => gate.then(() => api.list()) })
    const w = await newWindow(slowList)
    w.controller.changeClient('tcp', 'tcp:client:1', { address: '127.0.0.9', addressEdited: true })
    w.controller.changeServer('udp', { recvSize: '512' })
    expect(w.controller.getSnapshot().labs.tcp.run).toBeUndefined()
    release()
    await settled(w)
    const view = w.controller.getSnapshot()
    expect(view.labs.tcp.run?.id).toBe(running.id)
    expect(view.labs.tcp.tabs[0].fields.address).toBe('127.0.0.9')
    expect(view.labs.udp.server.recvSize).toBe('512')
  })

  it('shows once what happened while it was starting: the host replays it, once', async () => {
    const other = await openWindow()
    const slowList = (api: LabApi): LabApi => ({ ...api, list: () => api.list().then(async (running) => (await delay(300), running)) })
    const w = await newWindow(slowList)
    await other.api.writeConsole({ console: 'tcp:server', style: 'note', text: 'said while the window was loading' })
    await settled(w)
    expect(w.consoles.count('tcp:server', 'said while the window was loading')).toBe(1)
  })

  it('gives a TCP tab its phase at each step, and the status words come from the phase', async () => {
    const w = await openWindow()
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    const key = tab(w).key
    expect([tab(w).phase, clientStatus('tcp', tab(w))]).toEqual(['idle', 'not connected'])
    const connecting = w.controller.connect('tcp', key)
    expect([tab(w).phase, clientStatus('tcp', tab(w))]).toEqual(['connecting', 'connecting…'])
    await connecting
    expect([tab(w).phase, clientStatus('tcp', tab(w))]).toEqual(['connected', 'connected: type a sentence and send it'])
    const sending = w.controller.send('tcp', key, 'hello')
    expect([tab(w).phase, clientStatus('tcp', tab(w))]).toEqual(['waiting', 'waiting for the server…'])
    await sending
    expect([tab(w).phase, clientStatus('tcp', tab(w))]).toEqual(['done', 'done: 5 bytes received'])
    await w.controller.connect('tcp', key)
    await w.controller.cancel('tcp', key)
    expect([tab(w).phase, clientStatus('tcp', tab(w))]).toEqual(['closed', 'closed: not connected'])
    await settled(w)
    expect(w.consoles.text(key)).toContain('Received reply <HELLO>')
  })
})

describe('a reload brings each client tab back where it was', () => {
  /** Lines as a window shows them, each console on its own: the prompt and the student's input are the consoles' own. */
  const tabs = (w: TestWindow) => w.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])

  it('a new client cancelled while it waited in the backlog keeps its tab and its lines; Client 1 shows only its own (D1)', async () => {
    const w = await openWindow()
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    await w.controller.connect('tcp', 'tcp:client:1')
    w.controller.addTab('tcp')
    const sending = w.controller.send('tcp', 'tcp:client:2', 'second client')
    await expect.poll(() => lab.history().some((e) => e.kind === 'queued')).toBe(true)
    await w.controller.cancel('tcp', 'tcp:client:2')
    await sending
    await settled(w)

    const r = await openWindow()
    expect(tabs(r)).toEqual([
      ['Client 1', 'tcp-client-1', 'connected'],
      ['Client 2', undefined, 'cancelled']
    ])
    expect(r.consoles.text('tcp:client:2')).toEqual(expect.arrayContaining(['second client', CANCELLED]))
    expect(r.consoles.text('tcp:client:2')).toEqual(w.consoles.text('tcp:client:2'))
    expect(r.consoles.text('tcp:client:1')).toEqual(w.consoles.text('tcp:client:1'))
    expect(r.consoles.count('tcp:client:1', 'second client') + r.consoles.count('tcp:client:1', CANCELLED)).toBe(0)
  })

  it('a new client that connected and closed keeps its tab, closed, with its lines (D1)', async () => {
    const w = await openWindow()
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    w.controller.addTab('tcp')
    await w.controller.connect('tcp', 'tcp:client:2')
    await w.controller.cancel('tcp', 'tcp:client:2')
    await settled(w)
    expect(w.consoles.text('tcp:client:2').length).toBeGreaterThan(0)

    const r = await openWindow()
    expect(tabs(r)).toEqual([
      ['Client 1', undefined, 'idle'],
      ['Client 2', undefined, 'closed']
    ])
    expect(r.consoles.text('tcp:client:2')).toEqual(w.consoles.text('tcp:client:2'))
    expect(r.consoles.text('tcp:client:1')).toEqual([])
  })

  it("Client 2's running client stays in Client 2 when Client 1's stopped (D1)", async () => {
    const w = await openWindow()
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    await w.controller.connect('tcp', 'tcp:client:1')
    await w.controller.cancel('tcp', 'tcp:client:1')
    w.controller.addTab('tcp')
    await w.controller.connect('tcp', 'tcp:client:2')
    await settled(w)

    const r = await openWindow()
    expect(tabs(r)).toEqual([
      ['Client 1', undefined, 'closed'],
      ['Client 2', 'tcp-client-2', 'connected']
    ])
    for (const key of ['tcp:client:1', 'tcp:client:2']) expect(r.consoles.text(key)).toEqual(w.consoles.text(key))
    // The reloaded window's Close reaches the client of Client 2.
    await r.controller.cancel('tcp', 'tcp:client:2')
    expect(lab.list().some((ep) => ep.id === 'tcp-client-2')).toBe(false)
  })

  it('comes back on the tab each lab showed (D6)', async () => {
    windowStorage()
    const w = await openWindow()
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    await w.controller.connect('tcp', 'tcp:client:1')
    w.controller.addTab('tcp')
    await w.controller.connect('tcp', 'tcp:client:2')
    w.controller.addTab('udp')
    expect(w.controller.getSnapshot().labs.tcp.activeTab).toBe('tcp:client:2')

    const r = await openWindow(undefined, loadViewMemory)
    expect(r.controller.getSnapshot().labs.tcp.activeTab).toBe('tcp:client:2')
    // A tab the student made and has not used yet comes back too, and the window on it.
    expect(r.controller.getSnapshot().labs.udp.tabs.map((t) => t.label)).toEqual(['Client 1', 'Client 2'])
    expect(r.controller.getSnapshot().labs.udp.activeTab).toBe('udp:client:2')
  })
})

describe('a window open all along adopts what another window starts', () => {
  it('shows the server running and the client in a new tab, with their lines in order, and leaves the student its own tab, fields and draft', async () => {
    const w = await openWindow()
    const other = await openWindow()
    w.controller.changeClient('tcp', 'tcp:client:1', { recvSize: '512' })
    w.controller.setDraft('tcp', 'tcp:client:1', 'half a sent')
    other.controller.setServerPort('tcp', String(await freePort()))
    await other.controller.startServer('tcp')
    await other.controller.send('tcp', tab(other).key, 'hello')
    const server = other.controller.getSnapshot().labs.tcp.run!

    await expect.poll(() => w.controller.getSnapshot().labs.tcp.run).toEqual(server)
    await expect.poll(() => w.controller.getSnapshot().labs.tcp.tabs.length).toBe(2)
    await settled(w)
    const view = w.controller.getSnapshot()
    expect(view.labs.tcp.tabs[1]).toMatchObject({ key: 'tcp:client:2', label: 'Client 2', endpointId: tab(other).endpointId, phase: 'done', received: 5 })
    // What the student was doing in this window stays as it was.
    expect(view.labs.tcp.tabs[0]).toMatchObject({ key: 'tcp:client:1', label: 'Client 1', phase: 'idle' })
    expect(view.labs.tcp.tabs[0].endpointId).toBeUndefined()
    expect(view.labs.tcp.activeTab).toBe('tcp:client:1')
    expect(view.labs.tcp.tabs[0].fields.recvSize).toBe('512')
    expect(view.drafts['tcp:client:1']).toBe('half a sent')
    // The client fields the student did not type follow the server's port: Send reaches it.
    expect(view.labs.tcp.tabs[0].fields.port).toBe(String(server.local!.port))

    expect(w.consoles.text('tcp:server')).toEqual(other.consoles.text('tcp:server'))
    expect(w.consoles.text('tcp:server')[0]).toMatch(/^Server waiting on/)
    expect(w.consoles.count('tcp:server', 'Received request from')).toBe(1)
    const lines = w.consoles.text('tcp:client:2')
    expect(lines).toEqual(other.consoles.text('tcp:client:1'))
    expect(lines.indexOf('hello')).toBeGreaterThanOrEqual(0)
    expect(lines.indexOf('hello')).toBeLessThan(lines.indexOf('Received reply <HELLO>'))
    expect(w.consoles.text('tcp:client:1')).toEqual([])

    // This window's own sentence goes from its own tab, and the other window adopts that client in turn.
    await w.controller.send('tcp', 'tcp:client:1', 'mine')
    expect(tab(w).phase).toBe('done')
    await settled(other)
    expect(other.controller.getSnapshot().labs.tcp.tabs.map((t) => t.label)).toEqual(['Client 1', 'Client 2'])
    expect(other.consoles.count('tcp:client:2', 'Received reply <MINE>')).toBe(1)
  })

  it('follows a client that waits in the other window until its reply comes', async () => {
    const w = await openWindow()
    const other = await openWindow()
    other.controller.setServerPort('tcp', String(await freePort()))
    await other.controller.startServer('tcp')
    await other.controller.connect('tcp', tab(other).key)
    other.controller.addTab('tcp')
    const queued = other.controller.send('tcp', tab(other, 'tcp', 1).key, 'queued')
    // This window's Client 1 was unused: the other window's Client 1 and 2 are Client 1 and 2 here too.
    await expect.poll(() => w.controller.getSnapshot().labs.tcp.tabs.map((t) => t.phase)).toEqual(['connected', 'waiting'])
    // Client 1 closes: the iterative server serves client 2, and this window's tab follows it to its end.
    await other.controller.cancel('tcp', tab(other).key)
    await queued
    await expect.poll(() => w.controller.getSnapshot().labs.tcp.tabs.map((t) => t.phase)).toEqual(['closed', 'done'])
    await settled(w)
    expect(w.consoles.count('tcp:client:2', 'Received reply <QUEUED>')).toBe(1)
  })

  it('follows a client it adopted before its first call, through that call and the next', async () => {
    const w = await openWindow()
    const port = await freePort()
    const server = await lab.start({ kind: 'tcp-server', address: '127.0.0.1', port, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    // Another window's client, started and named in a line of its own before it sends anything: adopted idle.
    const client = await lab.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 10_000 })
    await lab.writeConsole({ console: 'tcp:client:1', endpoint: client.id, style: 'input', text: 'first' })
    await expect.poll(() => w.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.endpointId, t.phase])).toEqual([[undefined, 'idle'], [client.id, 'closed']])
    await lab.send(client.id, 'first')
    await expect.poll(() => w.controller.getSnapshot().labs.tcp.tabs[1]).toMatchObject({ phase: 'done', received: 5 })
    await lab.send(client.id, 'second!')
    await expect.poll(() => w.controller.getSnapshot().labs.tcp.tabs[1]).toMatchObject({ phase: 'done', received: 7 })
    await lab.stop(client.id)
    await lab.stop(server.id)
  })

  it("shows the URL of an HTTP client it adopted before its first fetch, once the fetch is made, and the next one's", async () => {
    const w = await openWindow()
    const port = await freePort()
    const server = await lab.start({ kind: 'http-server', address: '127.0.0.1', port, root: rendererDir })
    // Another window's client, named in a line of its own before it fetches: adopted with the URL field as it was.
    const client = await lab.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' }, 'http:client:1')
    await lab.writeConsole({ console: 'http:client:1', endpoint: client.id, style: 'input', text: 'first' })
    await expect.poll(() => tab(w, 'http').endpointId).toBe(client.id)
    expect(tab(w, 'http').fields).toMatchObject({ url: `http://127.0.0.1:${port}/`, urlEdited: false })
    await lab.send(client.id, `http://127.0.0.1:${port}/index.html`)
    await expect.poll(() => tab(w, 'http').fields).toMatchObject({ url: `http://127.0.0.1:${port}/index.html`, urlEdited: true })
    await lab.send(client.id, `http://127.0.0.1:${port}/`)
    await expect.poll(() => tab(w, 'http').fields).toMatchObject({ url: `http://127.0.0.1:${port}/`, urlEdited: false })
    await lab.stop(client.id)
    await lab.stop(server.id)
  })

  it('does not adopt its own endpoint a second time while the reply of its start is on the way', async () => {
    // This window's replies come 400 ms after the host sent them: the host already lists the client it starts.
    const w = await openWindow((api) => lateReplies(api, 400))
    const other = await openWindow()
    const port = await freePort()
    w.controller.setServerPort('tcp', String(port))
    await w.controller.startServer('tcp')
    const sending = w.controller.send('tcp', tab(w).key, 'mine')
    await expect.poll(() => lab.list().some((ep) => ep.config.kind === 'tcp-client')).toBe(true)
    // Meanwhile the other window starts a server, whose events make this window ask what runs.
    other.controller.setServerPort('udp', String(await freePort()))
    await other.controller.startServer('udp')
    await sending
    await settled(w)

    const view = w.controller.getSnapshot()
    expect(view.labs.udp.run?.id).toBe(other.controller.getSnapshot().labs.udp.run?.id)
    expect(view.labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])).toEqual([['Client 1', 'tcp-client-1', 'done']])
    expect(view.labs.tcp.nextTab).toBe(2)
    // Each line once, as a reload shows them.
    const reloaded = await openWindow()
    for (const key of ['tcp:server', 'tcp:client:1', 'udp:server']) expect(w.consoles.text(key)).toEqual(reloaded.consoles.text(key))
    expect(w.consoles.count('tcp:client:1', 'Received reply <MINE>')).toBe(1)
  })

  it('gives a client that stopped before the window asked a tab of its own, with its lines, as one still running gets', async () => {
    // This window's list() after its first (the restore) waits until the test lets it go.
    let release = (): void => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let lists = 0
    const heldList = (api: LabApi): LabApi => ({ ...api, list: () => (++lists === 1 ? api.list() : gate.then(() => api.list())) })
    const w = await openWindow(heldList)
    // The student types in Client 1 here: it is in use, and the other window's Client 1 gets a new tab.
    w.controller.setDraft('tcp', 'tcp:client:1', 'mine, not sent')
    const other = await openWindow()
    const server = await peer((socket) => socket.on('data', (d) => socket.end(d.toString().toUpperCase())))
    other.controller.changeClient('tcp', tab(other).key, { port: String(server), portEdited: true })
    await other.controller.send('tcp', tab(other).key, 'gone soon')
    await other.controller.cancel('tcp', tab(other).key)
    expect(lab.list()).toEqual([])
    release()
    await expect.poll(() => w.consoles.count('tcp:client:2', 'Received reply <GONE SOON>')).toBe(1)
    expect(w.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])).toEqual([
      ['Client 1', undefined, 'idle'],
      ['Client 2', undefined, 'closed']
    ])
    expect(w.consoles.text('tcp:client:2')).toEqual(other.consoles.text('tcp:client:1'))
    expect(w.consoles.text('tcp:client:1')).not.toContain('GONE SOON')
    // Its tab shows the port it went to, not this window's; Client 1 keeps its fields.
    expect(tab(w, 'tcp', 1).fields.port).toBe(String(server))
    expect(tab(w).fields.port).toBe('12000')
  })
})

describe('each client tab has its own fields, and both windows number the clients alike', () => {
  /** Two clients of window `b` in its Client 1 and 2, each done, towards a server of `b`'s own. */
  async function twoClientsOf(b: TestWindow): Promise<string> {
    const port = String(await freePort())
    b.controller.setServerPort('tcp', port)
    await b.controller.startServer('tcp')
    await b.controller.send('tcp', 'tcp:client:1', 'one')
    b.controller.addTab('tcp')
    await b.controller.send('tcp', 'tcp:client:2', 'two')
    return port
  }

  it("a port typed in this window's own tab stays there: the other window's clients show the port they went to, and Send in their tab goes there", async () => {
    windowStorage()
    const a = await openWindow(undefined, loadViewMemory)
    a.controller.changeClient('tcp', 'tcp:client:1', { port: '12345', portEdited: true })
    const b = await openWindow()
    const port = await twoClientsOf(b)
    await expect.poll(() => a.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.fields.port])).toEqual([
      ['Client 1', undefined, '12345'],
      ['Client 2', 'tcp-client-1', port],
      ['Client 3', 'tcp-client-2', port]
    ])
    // Send from the tab of b's first client reuses that client: its fields make the config it was started with.
    await a.controller.send('tcp', 'tcp:client:2', 'again')
    expect(tab(a, 'tcp', 1)).toMatchObject({ endpointId: 'tcp-client-1', phase: 'done', received: 5 })
    // A new client starts from the fields of the tab on screen (Client 1's port as typed).
    a.controller.addTab('tcp')
    expect(tab(a, 'tcp', 3).fields).toEqual(tab(a).fields)
    await settled(a)

    // A reload brings this window's tabs back as they were, not renumbered by the other window's keys.
    const r = await openWindow(undefined, loadViewMemory)
    expect(r.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.fields.port])).toEqual([
      ['Client 1', undefined, '12345'],
      ['Client 2', 'tcp-client-1', port],
      ['Client 3', 'tcp-client-2', port],
      ['Client 4', undefined, '12345']
    ])
    expect(r.consoles.count('tcp:client:2', 'Received reply <AGAIN>')).toBe(1)
    expect(r.consoles.count('tcp:client:3', 'Received reply <TWO>')).toBe(1)
  })

  it("a window whose Client 1 is unused shows the other window's Client 1 and 2 as Client 1 and 2", async () => {
    const a = await openWindow()
    const b = await openWindow()
    await twoClientsOf(b)
    await expect.poll(() => a.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.label, t.endpointId, t.phase])).toEqual([
      ['Client 1', 'tcp-client-1', 'done'],
      ['Client 2', 'tcp-client-2', 'done']
    ])
    await settled(a)
    expect(a.consoles.text('tcp:client:1')).toEqual(b.consoles.text('tcp:client:1'))
    expect(a.consoles.text('tcp:client:2')).toEqual(b.consoles.text('tcp:client:2'))
  })

  it("a client another window cancelled shows the port it went to, here and in a new window", async () => {
    const a = await openWindow()
    const b = await openWindow()
    const silent = await silentServer()
    b.controller.changeClient('tcp', 'tcp:client:1', { port: String(silent), portEdited: true })
    const sending = b.controller.send('tcp', 'tcp:client:1', 'hello?')
    await expect.poll(() => tab(b).phase).toBe('waiting')
    await expect.poll(() => lab.list().some((ep) => ep.config.kind === 'tcp-client')).toBe(true)
    await b.controller.cancel('tcp', 'tcp:client:1')
    await sending
    // (How the followed tab says it is gone is another matter: here its port.)
    await expect.poll(() => [tab(a).endpointId, tab(a).fields.port]).toEqual([undefined, String(silent)])
    expect(a.controller.getSnapshot().labs.tcp.tabs).toHaveLength(1)
    const fresh = await openWindow()
    expect([tab(fresh).phase, tab(fresh).fields.port]).toEqual(['cancelled', String(silent)])
  })

  it("an HTTP tab shows the URL its client fetched, in the other window and a new one, running, stopped or cancelled", async () => {
    await fs.writeFile(path.join(rendererDir, 'about.html'), '<p>about</p>')
    const a = await openWindow()
    const b = await openWindow()
    const port = String(await freePort())
    b.controller.setServerPort('http', port)
    b.controller.changeServer('http', { root: rendererDir })
    await b.controller.startServer('http')
    // B fetches another URL than the default from a new tab.
    b.controller.addTab('http')
    const about = `http://127.0.0.1:${port}/about.html`
    b.controller.setDraft('http', 'http:client:2', about)
    await b.controller.submit('http', 'http:client:2')
    expect(tab(b, 'http', 1)).toMatchObject({ phase: 'done', endpointId: 'http-client-1' })
    const urls = (w: TestWindow) => w.controller.getSnapshot().labs.http.tabs.map((t) => [t.label, t.fields.url, t.fields.urlEdited, draftOf(w.controller.getSnapshot(), 'http', t.key)])
    const shown = [
      ['Client 1', `http://127.0.0.1:${port}/`, false, `http://127.0.0.1:${port}/`],
      ['Client 2', about, true, about]
    ]
    // Window A, open all along, adopted it (likely before its fetch: it follows the fetch) ...
    await expect.poll(() => urls(a)).toEqual(shown)
    // ... and a new window shows it too.
    expect(urls(await openWindow())).toEqual(shown)

    // A fetch B cancels while the server stays silent, from a third tab; and B closes Client 2.
    const silent = `http://127.0.0.1:${await silentServer()}/silent.html`
    b.controller.addTab('http')
    b.controller.setDraft('http', 'http:client:3', silent)
    const waiting = b.controller.submit('http', 'http:client:3')
    await expect.poll(() => lab.list().find((ep) => ep.id === 'http-client-2')?.client?.now).toBe('waiting')
    await b.controller.cancel('http', 'http:client:3')
    await waiting
    await b.controller.cancel('http', 'http:client:2')
    const stopped = [...shown, ['Client 3', silent, true, silent]]
    await expect.poll(() => urls(a)).toEqual(stopped)
    const late = await openWindow()
    expect(urls(late)).toEqual(stopped)
    expect(late.controller.getSnapshot().labs.http.tabs.map((t) => t.phase)).toEqual(['idle', 'closed', 'cancelled'])
  })

  it('a reload keeps the sentence typed and not sent, in its tab', async () => {
    windowStorage()
    const w = await openWindow(undefined, loadViewMemory)
    w.controller.addTab('udp')
    w.controller.setDraft('udp', 'udp:client:2', 'half a sentence')
    w.controller.setDraft('tcp', 'tcp:client:1', 'another')
    const r = await openWindow(undefined, loadViewMemory)
    expect(draftOf(r.controller.getSnapshot(), 'udp', 'udp:client:2')).toBe('half a sentence')
    expect(draftOf(r.controller.getSnapshot(), 'udp', 'udp:client:1')).toBe('')
    expect(draftOf(r.controller.getSnapshot(), 'tcp', 'tcp:client:1')).toBe('another')
  })
})

describe('a server another window stops', () => {
  it('puts the panel back to Start in a window that showed it from its restore', async () => {
    const other = await openWindow()
    other.controller.setServerPort('tcp', String(await freePort()))
    await other.controller.startServer('tcp')
    const w = await openWindow()
    expect(w.controller.getSnapshot().labs.tcp.run).toEqual(other.controller.getSnapshot().labs.tcp.run)
    await other.controller.stopServer('tcp')
    await settled(w)
    expect(w.controller.getSnapshot().labs.tcp.run).toBeUndefined()
    expect(w.consoles.count('tcp:server', SERVER_STOPPED)).toBe(1)
    // This window can start a server of its own again.
    await w.controller.startServer('tcp')
    expect(w.controller.getSnapshot().labs.tcp.run).toBeDefined()
  })
})

/** The window's api without list() and stopped(): a window follows the lab from its feed alone; `asked` counts any call of them. */
function feedOnly(asked: string[]): (api: LabApi) => LabApi {
  return (api) => ({
    ...api,
    list: () => (asked.push('list'), Promise.reject(new Error('list() is not for windows'))),
    stopped: () => (asked.push('stopped'), Promise.reject(new Error('stopped() is not for windows')))
  })
}

/** 60,000 events the ring keeps instead of those before them (50,000 by default). */
function flood(): void {
  for (let i = 0; i < 60_000; i++) lab.writeConsole({ console: 'http:server', style: 'note', text: `filler ${i}` })
}

describe('the window follows the lab from the feed alone (issue 17)', () => {
  it('a second window opened after a server started and stopped 60,000 events ago, while a client waits, shows the panel at Start and the client waiting in its tab; its Cancel ends the wait in both windows', async () => {
    const asked: string[] = []
    const w = await openWindow(feedOnly(asked))
    w.controller.setServerPort('tcp', String(await freePort()))
    await w.controller.startServer('tcp')
    await w.controller.stopServer('tcp')
    const silent = await silentServer()
    w.controller.addTab('tcp')
    w.controller.changeClient('tcp', 'tcp:client:2', { port: String(silent), portEdited: true })
    const sending = w.controller.send('tcp', 'tcp:client:2', 'anyone there?')
    await expect.poll(() => tab(w, 'tcp', 1).phase).toBe('waiting')
    await expect.poll(() => lab.history().some((e) => e.kind === 'lifecycle' && e.detail.step === 'activity' && e.detail.now === 'waiting')).toBe(true)
    flood()
    expect(lab.history().some((e) => e.kind === 'lifecycle')).toBe(false)

    const second = await openWindow(feedOnly(asked))
    expect(second.controller.getSnapshot().labs.tcp.run).toBeUndefined()
    const shown = second.controller.getSnapshot().labs.tcp.tabs.find((t) => t.endpointId === 'tcp-client-1')
    expect(shown).toMatchObject({ key: 'tcp:client:2', phase: 'waiting' })
    expect(shown!.fields.port).toBe(String(silent))
    // Its Cancel reaches the client the first window is waiting on.
    await second.controller.cancel('tcp', 'tcp:client:2')
    expect(tab(second, 'tcp', 1).phase).toBe('cancelled')
    // The first window's own call ends (as it did when another window cancelled it before).
    await sending
    expect(isBusy(tab(w, 'tcp', 1))).toBe(false)
    expect(lab.list()).toEqual([])
    expect(asked).toEqual([])
  }, 60_000)

  it('a reload while a client waits (60,000 events later) brings its tab back waiting, and follows it to its reply', async () => {
    windowStorage()
    const asked: string[] = []
    const w = await openWindow(feedOnly(asked), loadViewMemory)
    // A server that answers once the test lets it.
    let answer: (() => void) | undefined
    const port = await peer((socket) => socket.once('data', (data) => (answer = () => socket.write(data.toString().toUpperCase()))))
    w.controller.addTab('udp')
    w.controller.addTab('tcp')
    w.controller.changeClient('tcp', 'tcp:client:2', { port: String(port), portEdited: true })
    void w.controller.send('tcp', 'tcp:client:2', 'later')
    await expect.poll(() => answer !== undefined).toBe(true)
    flood()

    const r = await openWindow(feedOnly(asked), loadViewMemory)
    expect(r.controller.getSnapshot().labs.tcp.tabs.map((t) => [t.key, t.endpointId, t.phase])).toEqual([
      ['tcp:client:1', undefined, 'idle'],
      ['tcp:client:2', 'tcp-client-1', 'waiting']
    ])
    expect(r.controller.getSnapshot().labs.tcp.activeTab).toBe('tcp:client:2')
    expect(r.controller.getSnapshot().labs.udp.tabs.map((t) => t.key)).toEqual(['udp:client:1', 'udp:client:2'])
    answer!()
    await expect.poll(() => tab(r, 'tcp', 1).phase).toBe('done')
    expect(tab(r, 'tcp', 1).received).toBe(5)
    expect(asked).toEqual([])
  }, 60_000)

  it('a window open all along sees another window stop its server and close its client, from the feed', async () => {
    const asked: string[] = []
    const w = await openWindow(feedOnly(asked))
    const other = await openWindow(feedOnly(asked))
    other.controller.setServerPort('udp', String(await freePort()))
    await other.controller.startServer('udp')
    await other.controller.send('udp', 'udp:client:1', 'ping')
    await settled(w)
    expect(w.controller.getSnapshot().labs.udp.run?.id).toBe('udp-server-1')
    expect(tab(w, 'udp', 0)).toMatchObject({ endpointId: 'udp-client-1' })
    await other.controller.cancel('udp', 'udp:client:1')
    await other.controller.stopServer('udp')
    await settled(w)
    expect(w.controller.getSnapshot().labs.udp.run).toBeUndefined()
    expect(tab(w, 'udp', 0)).toMatchObject({ endpointId: undefined, phase: 'closed' })
    expect(asked).toEqual([])
  })
})
