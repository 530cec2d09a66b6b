// The one way a window attaches to a lab session (src/session/viewers.ts), pinned through both
// hosts' adapters: the real browser host over a real WebSocket, and Electron's IPC adapter with a
// fake ipcMain and webContents (Electron cannot run here; everything behind it is real). Both must
// hold a feed until the window says it is ready, then replay what the host holds and go on live,
// each event once and in order, also the events that happen while the window attaches.

import dgram from 'node:dgram'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { channelOf, FEED_CHANNEL, READY_CHANNEL, type Verb } from '../src/shared/contract'
import type { LabEvent } from '../src/shared/events'
import { decodeEvents, type FeedMessage, type FeedName } from '../src/shared/feed'
import type { WirePacket } from '../src/shared/wire'
import type { HostMessage } from '../src/shared/ws-protocol'
import { Lab } from '../src/engine/lab'
import { bindSessionToIpc, type IpcCallEvent } from '../src/main/ipc'
import { LabSession } from '../src/session/lab-session'
import { startBrowserHost } from '../src/web-host/browser-host'
import { captureSkipReason } from './helpers/capture'
import { FakeIpcMain } from './helpers/fake-ipc'
import { labSocket, sayReady } from './helpers/lab-socket'

/** A lab window as the test sees it, whichever host it is attached through. */
interface TestWindow {
  lab: Lab
  /** Says the window is ready for a feed, as its api client does when the UI subscribes. */
  ready(feed: FeedName): void
  /** Every feed message the window was sent, in order. */
  received: FeedMessage[]
  call(verb: Verb, ...args: unknown[]): Promise<unknown>
  close(): Promise<void>
}

function recorder(received: FeedMessage[], message: HostMessage): void {
  if (!('id' in message)) received.push(message)
}

/** Electron's side: the session behind the IPC adapter, a fake window's webContents as the viewer. */
async function ipcWindow(): Promise<TestWindow> {
  const lab = new Lab()
  const session = new LabSession({ lab, facts: { host: 'electron', version: 'test', sampleSite: '/nowhere' } })
  const ipc = new FakeIpcMain()
  const received: FeedMessage[] = []
  const own: IpcCallEvent = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html' } }
  const contents = { id: 1, isDestroyed: () => false, send: (channel: string, message: unknown) => channel === FEED_CHANNEL && recorder(received, message as HostMessage) }
  const binding = bindSessionToIpc(ipc, session, contents, () => true)
  return {
    lab,
    received,
    ready: (feed) => ipc.send(own, READY_CHANNEL, feed),
    call: async (verb, ...args) => {
      const reply = (await ipc.invoke(own, channelOf(verb), ...args)) as { ok: boolean; value: unknown; error: string }
      if (!reply.ok) throw new Error(reply.error)
      return reply.value
    },
    close: async () => {
      binding.dispose()
      await Promise.all([lab.stopAll(), session.close()])
    }
  }
}

let rendererDir: string
beforeAll(async () => {
  rendererDir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-renderer-'))
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>socklab</title>')
})
afterAll(() => fs.rm(rendererDir, { recursive: true, force: true }))

/** The browser host's side: `socklab web`'s host in this process, a real WebSocket as the window. */
async function webSocketWindow(): Promise<TestWindow> {
  const lab = new Lab()
  const host = await startBrowserHost({ lab, rendererDir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
  const ws = await labSocket(host.port, `?token=${host.token}`)
  const received: FeedMessage[] = []
  const waiting = new Map<number, (message: HostMessage) => void>()
  let nextId = 1
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as HostMessage
    if ('id' in message) waiting.get(message.id)?.(message)
    else recorder(received, message)
  })
  return {
    lab,
    received,
    ready: (feed) => sayReady(ws, feed),
    call: (verb, ...args) =>
      new Promise((resolve, reject) => {
        const id = nextId++
        waiting.set(id, (m) => ('id' in m && m.reply.ok ? resolve(m.reply.value) : reject(new Error(JSON.stringify(m)))))
        ws.send(JSON.stringify({ id, verb, args }))
      }),
    close: async () => {
      ws.close()
      await Promise.all([lab.stopAll(), host.close()])
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

// decodeEvents fills in a message in place: each reading decodes a copy.
const eventsOf = (received: FeedMessage[]): LabEvent[] => received.flatMap((m) => ('events' in m ? decodeEvents(structuredClone(m)) : []))
const replayedOf = (received: FeedMessage[]): LabEvent[] => received.flatMap((m) => ('events' in m && m.replay ? decodeEvents(structuredClone(m)) : []))
const packetsOf = (received: FeedMessage[]): WirePacket[] => received.flatMap((m) => ('packets' in m ? m.packets : []))
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Waits until `done()` holds (a loaded machine is slow), at most `ms`. */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await sleep(25)
}

/** A UDP server in the lab, with its port. */
async function udpServer(w: TestWindow): Promise<number> {
  const info = (await w.call('start', { kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })) as { local: { port: number } }
  return info.local.port
}

/**
 * Datagrams to the lab's server from a plain socket, a few at a time for about `ms`: the lab makes
 * events all along (a recv, a send and console lines each). Bounded in count and in time.
 */
async function trickle(port: number, ms: number): Promise<number> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  let sent = 0
  for (const end = Date.now() + ms; Date.now() < end && sent < 2000; sent += 4) {
    for (let i = 0; i < 4; i++) socket.send(`datagram ${sent + i}`, port, '127.0.0.1')
    await sleep(2)
  }
  await sleep(100)
  socket.close()
  return sent
}

/** Until the lab has made no event for `quietMs` and the window has all of them. */
async function settled(w: TestWindow, quietMs = 300): Promise<void> {
  let seen = -1
  for (const end = Date.now() + 15_000; Date.now() < end; ) {
    if (w.lab.lastSeq === seen && eventsOf(w.received).at(-1)?.seq === seen) return
    seen = w.lab.lastSeq
    await sleep(quietMs)
  }
}

let open: TestWindow | undefined
afterEach(async () => {
  await open?.close()
  open = undefined
})

describe.each([
  ['Electron IPC', ipcWindow],
  ['the browser host (WebSocket)', webSocketWindow]
])('attaching a window through %s', (_host, attach) => {
  it('holds both feeds until the window says it is ready, while its calls are answered', async () => {
    const w = (open = await attach())
    const port = await udpServer(w)
    const client = (await w.call('start', { kind: 'udp-client', address: '127.0.0.1', port, recvSize: 2048, timeoutMs: 5000 })) as { id: string }
    await w.call('send', client.id, 'hello')
    expect(w.lab.lastSeq).toBeGreaterThan(4)
    // Several batching periods: a host that sends before "ready" has sent by now.
    await sleep(300)
    expect(w.received).toEqual([])
    w.ready('events')
    await until(() => eventsOf(w.received).length === w.lab.lastSeq)
    expect(eventsOf(w.received).map((e) => e.seq)).toEqual(range(1, w.lab.lastSeq))
    // Ready for events is not ready for packets.
    expect(packetsOf(w.received)).toEqual([])
  })

  it('replays what the host holds, then goes on live: every event once and in order, also those made while it attaches', async () => {
    const w = (open = await attach())
    const port = await udpServer(w)
    const before = trickle(port, 400)
    // Ready in the middle of a stream of events: some are in the ring and still in the session's
    // batcher at that moment, the ones a host could lose or send twice.
    await until(() => w.lab.lastSeq > 40)
    w.ready('events')
    await before
    await trickle(port, 200)
    await settled(w)
    const seqs = eventsOf(w.received).map((e) => e.seq)
    expect(seqs.length).toBeGreaterThan(100)
    expect(seqs, 'each event once, in order, none missing').toEqual(range(1, w.lab.lastSeq))
    // The replay is what the host held when the window said ready: a prefix, marked as such.
    const replayed = replayedOf(w.received).map((e) => e.seq)
    expect(replayed.length).toBeGreaterThanOrEqual(40)
    expect(replayed).toEqual(range(1, replayed.length))
    expect(replayed.length).toBeLessThan(seqs.length)
  })

  it('starts over with the whole replay when the window says ready again, as a reloaded page does', async () => {
    const w = (open = await attach())
    await udpServer(w)
    w.ready('events')
    await until(() => eventsOf(w.received).length === 2)
    const firstLoad = w.received.length
    await udpServer(w)
    await settled(w)
    w.ready('events')
    await until(() => eventsOf(w.received.slice(firstLoad)).length >= 4 + 2)
    await sleep(100)
    const afterReload = w.received.slice(w.received.findIndex((m, i) => i >= firstLoad && 'events' in m && m.replay && m.events[0].seq === 1))
    expect(eventsOf(afterReload).map((e) => e.seq)).toEqual(range(1, w.lab.lastSeq))
    expect(replayedOf(afterReload).map((e) => e.seq)).toEqual(range(1, w.lab.lastSeq))
  })
})

const skipCapture = await captureSkipReason()

describe.skipIf(skipCapture).each([
  ['Electron IPC', ipcWindow],
  ['the browser host (WebSocket)', webSocketWindow]
])('attaching a window to the captured packets through %s (real dumpcap and tshark)', (_host, attach) => {
  it('holds packets until the window is ready for them, then replays them and goes on live, each once and in order', async () => {
    const w = (open = await attach())
    expect(await w.call('startCapture')).toMatchObject({ state: 'on' })
    w.ready('events')
    const port = await udpServer(w)
    const status = async (): Promise<{ state: string; ports: number[]; packets: number }> => (await w.call('captureStatus')) as { state: string; ports: number[]; packets: number }
    const captured = async (): Promise<number> => (await status()).packets
    // The capture restarts on the server's port once it is bound: a loaded machine takes a while.
    for (let s = await status(), end = Date.now() + 30_000; !(s.state === 'on' && s.ports.includes(port)) && Date.now() < end; s = await status()) await sleep(100)
    for (let i = 0; i < 40 && (await captured()) < 20; i++) await trickle(port, 100)
    await sleep(300)
    expect(packetsOf(w.received)).toEqual([])
    w.ready('packets')
    await trickle(port, 300)
    let total = 0
    for (const end = Date.now() + 15_000; Date.now() < end; await sleep(200)) {
      total = await captured()
      if (packetsOf(w.received).length === total) break
    }
    expect(total).toBeGreaterThan(20)
    expect(packetsOf(w.received).map((p) => p.no)).toEqual(range(1, total))
  }, 90_000)
})
