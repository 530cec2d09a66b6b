// Issue 17, writes against reads and kept-open sessions, on real sockets over loopback: what is
// asserted is what the endpoints recorded (their send and recv events, one per write() and
// read()), never how long anything took.

import dgram from 'node:dgram'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import type { LabEvent } from '../src/shared/events'
import type { HostMessage } from '../src/shared/ws-protocol'
import { Lab } from '../src/engine/lab'
import { startBrowserHost, type BrowserHost } from '../src/web-host/browser-host'
import { callVerb, labSocket } from './helpers/lab-socket'
import { tcpClient, tcpServer, testLab, type TestLab } from './helpers/lab'
import { enT, itT, words } from './helpers/words'
import { eventWords } from '../src/shared/event-words'
import { recvQueue, until } from './helpers/kernel-waits'

let t: TestLab | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

const of = (events: LabEvent[], endpoint: string, kind: LabEvent['kind'], conn?: number): LabEvent[] =>
  events.filter((e) => e.endpoint === endpoint && e.kind === kind && (conn === undefined || e.conn === conn))

describe('writes against reads (TCP is a byte stream)', () => {
  it('3 writes, no delay, Nagle on, arrive as 1 read at a keep-open server with recv(1024)', async () => {
    t = testLab()
    // An iterative keep-open server: while it serves the first client, the second waits in the
    // backlog, where its bytes wait unread in the kernel. The kernel may put the three writes on
    // the wire as one segment or three (Nagle, timing): the read is made only once the kernel
    // holds all 12 bytes (ss's Recv-Q says so), so the server's first recv() must get all three
    // writes at once, which is the point: a read returns what has arrived, not what one write sent.
    const server = await t.start(tcpServer({ keepOpen: true }))
    const port = server.local!.port
    const first = await t.start(tcpClient(port, { session: true }))
    await t.lab.send(first.id, 'first')
    const chunked = await t.start(tcpClient(port, { chunks: 3, chunkDelayMs: 0, noDelay: false }))
    const reply = t.lab.send(chunked.id, 'hello world!')
    await until(() => of(t!.events, chunked.id, 'send').length === 3, 'the three writes')
    const clientPort = of(t.events, chunked.id, 'send')[0].local!.port
    await until(() => recvQueue(port, clientPort) === 12, 'all 12 bytes in the server socket’s receive queue')
    await t.lab.stop(first.id)
    expect((await reply).reply).toBe('HELLO WORLD!')
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 2)

    const writes = of(t.events, chunked.id, 'send')
    expect(writes.map((e) => e.length)).toEqual([4, 4, 4])
    expect(writes.map((e) => e.detail)).toEqual([1, 2, 3].map((n) => ({ what: 'bytes', chunk: { n, of: 3 } })))
    const reads = of(t.events, server.id, 'recv', 2)
    expect(reads.map((e) => [e.length, (e.detail as { eof: boolean }).eof])).toEqual([
      [12, false],
      [0, true]
    ])
    expect(Buffer.from(reads[0].preview!, 'base64').toString()).toBe('hello world!')
    expect(of(t.events, server.id, 'send', 2).map((e) => e.length)).toEqual([12])
    expect(of(t.events, server.id, 'close', 2)[0].detail).toMatchObject({ closedBy: 'server', reason: 'client-closed' })
    expect(eventWords(writes[1], enT)).toBe('wrote 4 bytes to the stream (write 2 of 3 of one message)')
    expect(eventWords(writes[1], itT)).toBe('scritti 4 byte nello stream (scrittura 2 di 3 di un messaggio)')
  })

  it('one write of 3000 bytes takes 3 reads of recv(1024) at a keep-open server', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ keepOpen: true, concurrent: true }))
    const c = await t.start(tcpClient(server.local!.port, { session: true, recvSize: 4096 }))
    const message = 'abc'.repeat(1000)
    const result = await t.lab.send(c.id, message)
    expect(result.reply).toBe(message.toUpperCase())
    await t.lab.stop(c.id)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)

    expect(of(t.events, c.id, 'send').map((e) => e.length)).toEqual([3000])
    // One segment on loopback (its MTU is 64 KiB): the kernel holds the 3000 bytes at once, and each recv(1024) takes what it may.
    expect(of(t.events, server.id, 'recv').map((e) => e.length)).toEqual([1024, 1024, 952, 0])
    expect(of(t.events, server.id, 'send').map((e) => e.length)).toEqual([1024, 1024, 952])
    // The client's reads of the reply, whatever the kernel glued together, add up to it, the last one saying so.
    const reads = of(t.events, c.id, 'recv')
    expect(reads.reduce((n, e) => n + e.length, 0)).toBe(3000)
    expect(reads.at(-1)!.detail).toMatchObject({ reply: { got: 3000, of: 3000 } })
  })

  it('UDP keeps a datagram whole or truncates it: 3000 bytes to recvfrom(2048) keep 2048', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    const socket = dgram.createSocket('udp4')
    try {
      const replied = new Promise<Buffer>((resolve) => socket.once('message', resolve))
      socket.send(Buffer.alloc(3000, 'x'), server.local!.port, '127.0.0.1')
      expect((await replied).length).toBe(2048)
    } finally {
      socket.close()
    }
    const [read] = of(t.events, server.id, 'recv')
    expect(read.length).toBe(3000)
    expect(read.detail).toMatchObject({ what: 'datagram', recvSize: 2048, truncatedTo: 2048 })
    expect(of(t.events, server.id, 'send').map((e) => e.length)).toEqual([2048])
  })
})

describe('kept-open sessions', () => {
  it('a session of 20 messages is one connect, 20 replies and one close, on one connection', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ keepOpen: true }))
    const c = await t.start(tcpClient(server.local!.port, { session: true }))
    for (let i = 1; i <= 20; i++) expect((await t.lab.send(c.id, `message ${i}`)).reply).toBe(`MESSAGE ${i}`)
    expect(t.lab.list().find((e) => e.id === c.id)?.client?.now).toBe('connected')
    await t.lab.stop(c.id)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)

    expect(of(t.events, c.id, 'connect')).toHaveLength(1)
    expect(of(t.events, c.id, 'send')).toHaveLength(20)
    expect(t.lines(c.id).filter((l) => l.startsWith('Received reply <'))).toEqual(Array.from({ length: 20 }, (_, i) => `Received reply <MESSAGE ${i + 1}>`))
    const closes = of(t.events, c.id, 'close')
    expect(closes.map((e) => e.detail)).toEqual([{ closedBy: 'client', reason: 'client-done' }])
    expect(new Set(t.events.filter((e) => e.endpoint !== server.id || e.kind !== 'console').map((e) => e.conn))).toEqual(new Set([0, 1]))
    expect(of(t.events, server.id, 'accept')).toHaveLength(1)
    // One read per message (the client waits for each reply before it sends the next), then b''.
    expect(of(t.events, server.id, 'recv').map((e) => e.length)).toEqual([...Array.from({ length: 20 }, (_, i) => `message ${i + 1}`.length), 0])
    expect(of(t.events, server.id, 'send')).toHaveLength(20)
    expect(of(t.events, server.id, 'close').map((e) => e.detail)).toEqual([{ closedBy: 'server', reason: 'client-closed' }])
  })

  it('an iterative keep-open server serves one session at a time: the second waits in the backlog until the first closes', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ keepOpen: true }))
    const port = server.local!.port
    const a = await t.start(tcpClient(port, { session: true }))
    const b = await t.start(tcpClient(port, { session: true }))
    await t.lab.send(a.id, 'one')
    const second = t.lab.send(b.id, 'two')
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued')
    expect(of(t.events, server.id, 'recv', 2)).toHaveLength(0)
    expect((await t.lab.send(a.id, 'three')).reply).toBe('THREE')
    await t.lab.stop(a.id)
    expect((await second).reply).toBe('TWO')
    const order = t.events.filter((e) => e.endpoint === server.id && (e.kind === 'accept' || e.kind === 'close')).map((e) => `${e.kind} ${e.conn}`)
    expect(order).toEqual(['accept 1', 'close 1', 'accept 2'])
  })

  it('a session client against a course server (one reply, then close) sees the end of stream, closes, and the next sentence connects again', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const c = await t.start(tcpClient(server.local!.port, { session: true }))
    expect((await t.lab.send(c.id, 'one')).reply).toBe('ONE')
    await t.waitForEvent((e) => e.endpoint === c.id && e.kind === 'close')
    expect((await t.lab.send(c.id, 'two')).reply).toBe('TWO')
    expect(of(t.events, c.id, 'connect').map((e) => e.conn)).toEqual([1, 2])
  })
})

describe('closeConnection, through the browser host', () => {
  let host: BrowserHost | undefined
  let lab: Lab | undefined
  let dir: string | undefined
  afterEach(async () => {
    await host?.close()
    await lab?.stopAll()
    if (dir) await fs.rm(dir, { recursive: true, force: true })
    host = lab = dir = undefined
  })

  it('closes one open connection of a keep-open server; the client sees the FIN; ids and conns of nothing are refused', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-streams-'))
    await fs.writeFile(path.join(dir, 'index.html'), '<!doctype html><title>socklab</title>')
    lab = new Lab()
    const events: LabEvent[] = []
    lab.on('event', (e) => events.push(e))
    host = await startBrowserHost({ lab, rendererDir: dir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
    const ws: WebSocket = await labSocket(host.port, `?token=${host.token}`)
    let n = 0
    type Answer = { ok: boolean; value?: unknown; error?: string; code?: string }
    const call = async (verb: string, ...args: unknown[]): Promise<Answer> => ((await callVerb(ws, ++n, verb, args)) as Extract<HostMessage, { reply: unknown }>).reply as Answer
    try {
      const server = (await call('start', tcpServer({ keepOpen: true, concurrent: true }))).value as { id: string; local: { port: number } }
      const client = (await call('start', tcpClient(server.local.port, { session: true }))).value as { id: string }
      expect((await call('send', client.id, 'hi')).value).toMatchObject({ reply: 'HI' })
      expect(await call('closeConnection', server.id, 1)).toMatchObject({ ok: true })
      const closed = events.find((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)
      expect(closed?.detail).toMatchObject({ closedBy: 'server', reason: 'closed-here' })
      expect(eventWords(closed!, enT)).toBe('the server closed the connection, as asked from the window')
      // The client, waiting for nothing, reads the FIN and closes its side.
      await until(() => events.some((e) => e.endpoint === client.id && e.kind === 'close'), 'the client’s close')
      expect(events.find((e) => e.endpoint === client.id && e.kind === 'close')?.detail).toMatchObject({ closedBy: 'server', reason: 'server-closed-idle' })

      expect(await call('closeConnection', server.id, 1)).toMatchObject({ ok: false })
      expect(await call('closeConnection', client.id, 1)).toMatchObject({ ok: false })
      for (const bad of [[server.id, 0], [server.id, -1], [server.id, 1.5], [server.id, '1'], ['../x', 1], [server.id], [], [server.id, 1, 2]]) expect(await call('closeConnection', ...bad)).toMatchObject({ ok: false, code: 'EBADCALL' })
      // An endpoint this host does not run.
      expect(await call('closeConnection', 'tcp-server-9', 1)).toMatchObject({ ok: false })
    } finally {
      ws.close()
    }
  })
})

describe('words', () => {
  it('a session read says how much of the reply it holds, and what was glued to it', () => {
    const e = { kind: 'recv', role: 'client', proto: 'TCP', length: 6, detail: { what: 'stream', recvSize: 1024, leftover: 0, eof: false, waiting: 0, reply: { got: 6, of: 4 } } } as unknown as LabEvent
    expect(words(e)).toBe('read 6 bytes of the stream; the whole reply (4 bytes) and 2 bytes more glued to it in the same read')
  })
})
