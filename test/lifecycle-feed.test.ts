// An endpoint's life in the event stream (issue 17): its start with its config, its client's
// activity and its stop, in order with every other event, so that a window follows the lab from the
// feed alone; and kept beyond the ring, so that a window attaching after 60,000 events still learns
// what runs and what stopped. Real sockets, the real browser host over its WebSocket.

import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import { Lab } from '../src/engine/lab'
import type { LabEvent, LabEventOf, LifecycleDetail } from '../src/shared/events'
import { DEFAULT_RING_SIZE } from '../src/shared/events'
import { decodeEvents, type EventsMessage } from '../src/shared/feed'
import type { HostMessage } from '../src/shared/ws-protocol'
import { startBrowserHost, type BrowserHost } from '../src/web-host/browser-host'
import { EventStore } from '../src/renderer/src/feed/event-store'
import { EndpointLives } from '../src/renderer/src/feed/endpoint-lives'
import { labSocket, sayReady } from './helpers/lab-socket'

const closers: (() => unknown)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

const lives = (lab: Lab): [string, LifecycleDetail][] => lab.history().flatMap((e) => (e.kind === 'lifecycle' ? [[e.endpoint, e.detail] as [string, LifecycleDetail]] : []))

/** A TCP peer that takes connections and never answers, as a broken student server would. */
async function silentServer(): Promise<number> {
  const sockets: net.Socket[] = []
  const server = net.createServer((s) => void sockets.push(s))
  closers.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(resolve))))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as net.AddressInfo).port
}

function newLab(ringSize?: number): Lab {
  const lab = new Lab(ringSize ? { ringSize } : {})
  closers.push(() => lab.stopAll())
  return lab
}

describe('the lifecycle in the stream', () => {
  it('says a client started (kind, config, console, number), what it does at each step, and how it stopped, in order with its other events', async () => {
    const lab = newLab()
    const server = await lab.start({ kind: 'tcp-server', address: '127.0.0.1', port: 0, recvSize: 1024, concurrent: false, idleTimeoutMs: 30_000 }, 'tcp:server')
    const port = server.local!.port
    const client = await lab.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 5000 }, 'tcp:client:2')
    await lab.connect(client.id)
    await lab.send(client.id, 'hello')
    await lab.stop(client.id)
    await lab.stop(server.id)

    expect(lives(lab)).toEqual([
      ['tcp-server-1', { step: 'started', n: 1, config: server.config, console: 'tcp:server', local: server.local }],
      ['tcp-client-1', { step: 'started', n: 1, config: client.config, console: 'tcp:client:2' }],
      ['tcp-client-1', { step: 'activity', now: 'connecting' }],
      ['tcp-client-1', { step: 'activity', now: 'connected' }],
      ['tcp-client-1', { step: 'activity', now: 'waiting' }],
      // The course's client closes after its one exchange: no connection open any more.
      ['tcp-client-1', { step: 'activity', now: 'idle', received: 5 }],
      ['tcp-client-1', { step: 'stopped', how: 'closed' }],
      ['tcp-server-1', { step: 'stopped', how: 'stopped' }]
    ])
    // In order with the rest: the server's start after its listen, the client's connect between its activities.
    const seqOf = (pred: (e: LabEvent) => boolean): number => lab.history().find(pred)!.seq
    expect(seqOf((e) => e.kind === 'listen')).toBeLessThan(seqOf((e) => e.kind === 'lifecycle' && e.endpoint === 'tcp-server-1'))
    const connect = seqOf((e) => e.kind === 'connect')
    expect(seqOf((e) => e.kind === 'lifecycle' && e.detail.step === 'activity' && e.detail.now === 'connecting')).toBeLessThan(connect)
    expect(seqOf((e) => e.kind === 'lifecycle' && e.detail.step === 'activity' && e.detail.now === 'connected')).toBeGreaterThan(connect)
    // Data only: no words in them.
    for (const e of lab.history()) if (e.kind === 'lifecycle') expect(e.info).toBeUndefined()
  })

  it('a client stopped while it waits is cancelled; a start that fails is started, then failed', async () => {
    const lab = newLab()
    const silent = await silentServer()
    const client = await lab.start({ kind: 'tcp-client', address: '127.0.0.1', port: silent, recvSize: 1024, timeoutMs: 60_000 }, 'tcp:client:1')
    const sending = lab.send(client.id, 'anyone?').catch(() => 'failed')
    await expect.poll(() => lives(lab).some(([, d]) => d.step === 'activity' && d.now === 'waiting')).toBe(true)
    await lab.stop(client.id)
    expect(await sending).toBe('failed')
    expect(lives(lab).at(-1)).toEqual(['tcp-client-1', { step: 'stopped', how: 'cancelled' }])

    // The port is taken by the silent peer: the server cannot start.
    await expect(lab.start({ kind: 'tcp-server', address: '127.0.0.1', port: silent, recvSize: 1024, concurrent: false, idleTimeoutMs: 30_000 }, 'tcp:server')).rejects.toThrow()
    const failed = lab.history().filter((e) => e.endpoint === 'tcp-server-1')
    expect(failed.map((e) => (e.kind === 'lifecycle' ? e.detail.step : e.kind)).slice(-2)).toEqual(['started', 'stopped'])
    expect(failed.at(-1)!.detail).toEqual({ step: 'stopped', how: 'failed' })
    expect(lab.list()).toEqual([])
  })

  it('a TCP client whose server closes the idle connection says it is no longer connected', async () => {
    const lab = newLab()
    const peer = net.createServer((s) => setTimeout(() => s.end(), 50))
    closers.push(() => new Promise((resolve) => peer.close(resolve)))
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve))
    const client = await lab.start({ kind: 'tcp-client', address: '127.0.0.1', port: (peer.address() as net.AddressInfo).port, recvSize: 1024, timeoutMs: 5000 })
    await lab.connect(client.id)
    await expect.poll(() => lives(lab).at(-1)?.[1]).toEqual({ step: 'activity', now: 'idle' })
    expect(lives(lab).map(([, d]) => (d.step === 'activity' ? d.now : d.step))).toEqual(['started', 'connecting', 'connected', 'idle'])
  })
})

describe('beyond the ring', () => {
  let rendererDir: string
  beforeAll(async () => {
    rendererDir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-renderer-'))
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>socklab</title>')
  })
  afterAll(() => fs.rm(rendererDir, { recursive: true, force: true }))

  /** Everything a window attaching now is sent as its replay (the lab is quiet), decoded. */
  async function replayOf(host: BrowserHost): Promise<LabEvent[]> {
    const ws: WebSocket = await labSocket(host.port, `?token=${host.token}`)
    closers.push(() => ws.close())
    const got: LabEvent[] = []
    let last = Date.now()
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as HostMessage
      if ('events' in m) {
        expect((m as EventsMessage).replay).toBe(true)
        got.push(...decodeEvents(m as EventsMessage))
      }
      last = Date.now()
    })
    sayReady(ws, 'events')
    while (Date.now() - last < 400 || got.length === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    return got
  }

  it('a window attaching 60,000 events after a server started and stopped, while a client waits, learns both from the replay, in seq order', async () => {
    const lab = newLab()
    const host = await startBrowserHost({ lab, rendererDir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
    closers.push(() => host.close())
    const server = await lab.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 }, 'udp:server')
    await lab.stop(server.id)
    const silent = await silentServer()
    const client = await lab.start({ kind: 'tcp-client', address: '127.0.0.1', port: silent, recvSize: 1024, timeoutMs: 60_000 }, 'tcp:client:3')
    void lab.send(client.id, 'waiting').catch(() => undefined)
    await expect.poll(() => lives(lab).at(-1)?.[1]).toEqual({ step: 'activity', now: 'waiting' })
    const before = lab.lastSeq
    for (let i = 0; i < 60_000; i++) lab.writeConsole({ console: 'http:server', style: 'note', text: `line ${i}` })
    // The ring has let every one of them go.
    expect(lab.history()[0].seq).toBeGreaterThan(before)
    expect(lab.history()).toHaveLength(DEFAULT_RING_SIZE)

    const replay = await replayOf(host)
    const kept = replay.filter((e) => e.seq <= before)
    expect(kept.map((e) => [e.endpoint, (e as LabEventOf<'lifecycle'>).detail])).toEqual([
      ['udp-server-1', { step: 'started', n: 1, config: server.config, console: 'udp:server', local: server.local }],
      ['udp-server-1', { step: 'stopped', how: 'stopped' }],
      ['tcp-client-1', { step: 'started', n: 1, config: client.config, console: 'tcp:client:3' }],
      ['tcp-client-1', { step: 'activity', now: 'waiting' }]
    ])
    // Then the ring, whole and in order: the replay is one stream by seq.
    const seqs = replay.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    expect(replay.length).toBe(kept.length + DEFAULT_RING_SIZE)

    // A window's fold of that replay knows what runs and what stopped; its log shows none of it.
    const store = new EventStore(undefined, () => undefined)
    const fold = new EndpointLives()
    fold.apply(store.add(replay))
    expect(fold.get('udp-server-1')).toMatchObject({ stopped: 'stopped', console: 'udp:server' })
    expect(fold.get('tcp-client-1')).toMatchObject({ console: 'tcp:client:3', client: { now: 'waiting' } })
    expect(fold.get('tcp-client-1')!.stopped).toBeUndefined()
    expect(store.all().some((e) => e.kind === 'lifecycle')).toBe(false)
    expect(store.all()).toHaveLength(DEFAULT_RING_SIZE)
  }, 60_000)

  it('keeps every running endpoint and the newest 256 stops beyond the ring, as stopped() does', async () => {
    const lab = newLab(10)
    const server = await lab.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 }, 'udp:server')
    for (let i = 0; i < 300; i++) {
      const { id } = await lab.start({ kind: 'udp-client', address: '127.0.0.1', port: server.local!.port, recvSize: 2048, timeoutMs: 1000 })
      await lab.stop(id)
    }
    const kept = lab.lifecycleBefore(lab.history()[0].seq)
    // The server started first and still runs: it stays, whatever came after.
    expect(kept[0]).toMatchObject({ endpoint: 'udp-server-1', detail: { step: 'started' } })
    const stopped = new Set(kept.filter((e) => e.kind === 'lifecycle' && e.detail.step === 'stopped').map((e) => e.endpoint))
    expect(stopped.size).toBeGreaterThanOrEqual(250)
    expect(stopped.size).toBeLessThanOrEqual(256)
    expect(stopped.has('udp-client-1')).toBe(false)
    expect(stopped.has('udp-client-290')).toBe(true)
    // Each kept stop with its start: a window learns its config and console.
    for (const id of stopped) expect(kept.some((e) => e.endpoint === id && e.kind === 'lifecycle' && e.detail.step === 'started')).toBe(true)
  })
})
