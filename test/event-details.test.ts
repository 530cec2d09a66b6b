// Every event's meaning is in its typed detail: these exchanges on loopback read the facts from
// the detail (never from `info`), and the words are checked to be made from it.

import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventKind, LabEvent } from '../src/shared/events'
import { eventWords } from '../src/shared/event-words'
import { tOf } from './helpers/words'
import { tcpClient, tcpServer, testLab, type TestLab } from './helpers/lab'

let t: TestLab
/** Folders a test made, removed after it. */
const made: string[] = []
afterEach(async () => {
  await t?.close()
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const of =
  <K extends EventKind>(endpoint: string, kind: K) =>
  (e: LabEvent): e is Extract<LabEvent, { kind: K }> =>
    e.endpoint === endpoint && e.kind === kind
const all = <K extends EventKind>(endpoint: string, kind: K): Extract<LabEvent, { kind: K }>[] => t.events.filter(of(endpoint, kind))

/** Connects, writes `bytes` in one write (or nothing), and half-closes; resolves with what came back. */
function rawTcp(port: number, bytes?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const s = net.connect({ host: '127.0.0.1', port }, () => (bytes ? s.end(bytes) : s.end()))
    s.on('data', (d) => chunks.push(d))
    s.on('close', () => resolve(Buffer.concat(chunks)))
    s.on('error', reject)
  })
}

describe('event details on a real loopback exchange', () => {
  it('queued: how many connections are ahead of each one in the backlog; accept: how long it waited there', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const [first, second, third] = [await t.start(tcpClient(port)), await t.start(tcpClient(port)), await t.start(tcpClient(port))]
    await t.lab.connect(first.id)
    await t.waitForEvent(of(server.id, 'accept'))
    await t.lab.connect(second.id)
    await t.waitForEvent(of(server.id, 'queued'))
    await t.lab.connect(third.id)
    await t.waitForEvent((e) => of(server.id, 'queued')(e) && e.conn === 3)
    expect(all(server.id, 'queued').map((e) => [e.conn, e.detail.queuedAhead])).toEqual([
      [2, 1],
      [3, 2]
    ])
    // Both wait in the backlog at least this long before the first client is served.
    await new Promise((r) => setTimeout(r, 300))
    await Promise.all([t.lab.send(first.id, 'a'), t.lab.send(second.id, 'b'), t.lab.send(third.id, 'c')])
    const accepts = all(server.id, 'accept')
    expect(accepts.map((e) => e.conn)).toEqual([1, 2, 3])
    expect(accepts[0].detail.backlogMs).toBeUndefined()
    expect(accepts[1].detail.backlogMs).toBeGreaterThanOrEqual(300)
    expect(accepts[2].detail.backlogMs).toBeGreaterThanOrEqual(300)
  })

  it('TCP recv: the bytes beyond recv(size) left unread, and the end of the stream', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ recvSize: 10 }))
    const port = server.local!.port
    expect((await rawTcp(port, Buffer.alloc(30, 'x'))).toString()).toBe('X'.repeat(10))
    await rawTcp(port)
    await t.waitForEvent((e) => of(server.id, 'close')(e) && e.conn === 2)
    const [big, empty] = all(server.id, 'recv')
    expect(big.length).toBe(10)
    expect(big.detail).toEqual({ what: 'stream', recvSize: 10, leftover: 20, eof: false, waiting: 0 })
    expect(empty.length).toBe(0)
    expect(empty.detail).toMatchObject({ what: 'stream', leftover: 0, eof: true })
  })

  it('UDP recv: a datagram longer than recvfrom(size) is truncated, on the server and on the client', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 16 })
    const port = server.local!.port
    const client = await t.start({ kind: 'udp-client', address: '127.0.0.1', port, recvSize: 4, timeoutMs: 5000 })
    const reply = await t.lab.send(client.id, 'x'.repeat(40))
    expect(reply.reply).toBe('XXXX')
    const [atServer] = all(server.id, 'recv')
    expect(atServer.length).toBe(40)
    expect(atServer.detail).toEqual({ what: 'datagram', recvSize: 16, truncatedTo: 16 })
    const [atClient] = all(client.id, 'recv')
    expect(atClient.length).toBe(16)
    expect(atClient.detail).toEqual({ what: 'datagram', recvSize: 4, truncatedTo: 4 })
    // A datagram that fits is not truncated.
    const probe = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => probe.send('short', port, '127.0.0.1', () => resolve()))
    probe.close()
    const fits = await t.waitForEvent((e) => of(server.id, 'recv')(e) && e.length === 5)
    expect(fits.detail).toEqual({ what: 'datagram', recvSize: 16, truncatedTo: undefined })
  })

  it('close: who closed the connection, on both TCP ends', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const client = await t.start(tcpClient(server.local!.port))
    await t.lab.send(client.id, 'hi')
    await t.waitForEvent((e) => of(server.id, 'close')(e) && e.conn === 1)
    expect(all(server.id, 'close')[0].detail).toEqual({ closedBy: 'server', reason: 'served' })
    expect(all(client.id, 'close')[0].detail).toEqual({ closedBy: 'client', reason: 'client-done' })
    await t.lab.stop(server.id)
    expect(all(server.id, 'close').at(-1)!.detail).toEqual({ closedBy: 'server', reason: 'server-stopped' })
  })

  it('HTTP: the status of each response, the status the client read, and who closed first', async () => {
    const site = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-details-'))
    made.push(site)
    fs.writeFileSync(path.join(site, 'index.html'), '<h1>hi</h1>\n')
    t = testLab()
    const server = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: site })
    const port = server.local!.port
    const client = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await t.lab.send(client.id, `http://127.0.0.1:${port}/index.html`)
    await t.lab.send(client.id, `http://127.0.0.1:${port}/nope.html`)
    expect(all(server.id, 'send').map((e) => e.detail)).toEqual([
      { what: 'response', status: 200, streamed: false },
      { what: 'response', status: 404, streamed: false }
    ])
    const firstReads = all(client.id, 'recv').filter((e) => e.detail.what === 'http-read' && e.detail.read === 1)
    expect(firstReads.map((e) => e.detail)).toEqual([
      { what: 'http-read', recvSize: 1500, read: 1, statusLine: 'HTTP/1.1 200 OK', status: 200 },
      { what: 'http-read', recvSize: 1500, read: 1, statusLine: 'HTTP/1.1 404 Not Found', status: 404 }
    ])
    expect(all(client.id, 'send')[0].detail).toEqual({ what: 'request', method: 'GET', target: '/index.html', version: 'HTTP/1.0' })
    // HTTP/1.0: the server closes first, which is what ends the reply for the client: its last recv() returns b''.
    const ended = all(client.id, 'recv').filter((e) => e.conn === 1).at(-1)!
    expect(ended.length).toBe(0)
    expect(ended.detail).toMatchObject({ what: 'http-read', eof: true })
    expect(ended.detail.what === 'http-read' && ended.detail.replyBytes).toBe(all(client.id, 'recv').filter((e) => e.conn === ended.conn).reduce((n, e) => n + e.length, 0))
    // Then its one close().
    expect(all(client.id, 'close').filter((e) => e.conn === 1).map((e) => e.detail)).toEqual([{ closedBy: 'server', reason: 'client-after-server' }])
    await t.waitForEvent((e) => of(server.id, 'close')(e) && e.conn === 2)
    expect(all(server.id, 'close').map((e) => e.detail.closedBy)).toEqual(['server', 'server'])
    // HTTP/1.1 keeps the connection open: the client's FIN comes first.
    const kept = net.connect({ host: '127.0.0.1', port })
    await new Promise((r) => kept.once('connect', r))
    kept.end('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')
    kept.resume()
    await t.waitForEvent((e) => of(server.id, 'close')(e) && e.remote?.port === kept.localPort)
    expect(all(server.id, 'close').find((e) => e.remote?.port === kept.localPort)!.detail).toEqual({ closedBy: 'client', reason: 'ended' })
  })
})

describe('the words of an event are made from its detail', () => {
  const local = { address: '127.0.0.1', port: 40000, family: 'IPv4' as const }
  const remote = { address: '127.0.0.1', port: 12000, family: 'IPv4' as const }

  it.each([
    [{ kind: 'queued', detail: { queuedAhead: 3 }, role: 'server', proto: 'TCP', length: 0, remote }, 'connection from 127.0.0.1 waits in the listen backlog: the kernel finished the handshake, 3 ahead of it (iterative server)'],
    [{ kind: 'accept', detail: { backlogMs: 1250 }, role: 'server', proto: 'TCP', length: 0, remote }, 'connection from 127.0.0.1 accepted after 1.3 s in the listen backlog'],
    [{ kind: 'accept', detail: {}, role: 'server', proto: 'TCP', length: 0 }, 'connection from an unknown address (the client reset the connection before the server could ask where it came from) accepted'],
    [{ kind: 'recv', detail: { what: 'stream', recvSize: 10, leftover: 20, eof: true, waiting: 0 }, role: 'server', proto: 'TCP', length: 10 }, 'read 10 bytes of the stream (20 more bytes beyond recv(10) left unread), then end of stream'],
    [{ kind: 'recv', detail: { what: 'stream', recvSize: 1024, leftover: 0, eof: true, waiting: 0 }, role: 'client', proto: 'TCP', length: 0 }, 'end of stream: the server closed without replying'],
    [{ kind: 'recv', detail: { what: 'datagram', recvSize: 16, truncatedTo: 16 }, role: 'server', proto: 'UDP', length: 40 }, 'datagram of 40 bytes, truncated to 16 by recvfrom(16)'],
    [{ kind: 'recv', detail: { what: 'http-read', recvSize: 1500, read: 1, statusLine: 'HTTP/1.0 200 OK', status: 200 }, role: 'client', proto: 'HTTP', length: 1500 }, 'recv(1500) #1: HTTP/1.0 200 OK (1,500 bytes)'],
    [{ kind: 'recv', detail: { what: 'http-read', recvSize: 1500, read: 2 }, role: 'client', proto: 'HTTP', length: 700 }, 'recv(1500) #2: 700 bytes'],
    [{ kind: 'send', detail: { what: 'response', status: 206, streamed: true }, role: 'server', proto: 'HTTP', length: 5000 }, 'HTTP 206, 5,000 bytes streamed from disk'],
    [{ kind: 'send', detail: { what: 'bytes' }, role: 'client', proto: 'UDP', length: 0 }, 'empty datagram: no payload, but a packet all the same (UDP keeps message boundaries)'],
    [{ kind: 'connect', detail: { handshake: true }, role: 'client', proto: 'TCP', length: 0, local }, 'connected from 127.0.0.1:40000 (three-way handshake done)'],
    [{ kind: 'recv', detail: { what: 'http-read', recvSize: 1500, read: 4, eof: true, replyBytes: 4321 }, role: 'client', proto: 'HTTP', length: 0 }, "recv(1500) #4: b'' (0 bytes), the server closed the connection (FIN): end of the reply after 4,321 bytes"],
    [{ kind: 'close', detail: { closedBy: 'client', reason: 'client-stopped' }, role: 'client', proto: 'UDP', length: 0 }, 'socket closed: the client stopped waiting for a reply'],
    [{ kind: 'listen', detail: { address: '0.0.0.0', port: 12000, mode: 'iterative', recvSize: 1024 }, role: 'server', proto: 'TCP', length: 0 }, 'listening on (0.0.0.0, 12000), iterative, recv(1024)'],
    [{ kind: 'bind', detail: { address: '::', port: 12000, recvSize: 2048 }, role: 'server', proto: 'UDP', length: 0 }, 'bound to (::, 12000), recvfrom(2048)']
  ] as const)('%j', (event, words) => {
    expect(eventWords(event as Parameters<typeof eventWords>[0], tOf('en'))).toBe(words)
  })

  // The same details in Italian: numbers grouped as Italian writes them, plurals in all three categories.
  it.each([
    [{ kind: 'queued', detail: { queuedAhead: 1 }, role: 'server', proto: 'TCP', length: 0, remote }, "connessione da 127.0.0.1 in attesa nel backlog di listen: il kernel ha completato l'handshake, 1 connessione in attesa prima di questa (server iterativo)"],
    [{ kind: 'queued', detail: { queuedAhead: 2 }, role: 'server', proto: 'TCP', length: 0, remote }, "connessione da 127.0.0.1 in attesa nel backlog di listen: il kernel ha completato l'handshake, 2 connessioni in attesa prima di questa (server iterativo)"],
    [{ kind: 'queued', detail: { queuedAhead: 1_000_000 }, role: 'server', proto: 'TCP', length: 0, remote }, "connessione da 127.0.0.1 in attesa nel backlog di listen: il kernel ha completato l'handshake, 1.000.000 connessioni in attesa prima di questa (server iterativo)"],
    [{ kind: 'accept', detail: { backlogMs: 1250 }, role: 'server', proto: 'TCP', length: 0, remote }, 'connessione da 127.0.0.1 accettata dopo 1,3 s nel backlog di listen'],
    [{ kind: 'send', detail: { what: 'response', status: 206, streamed: true }, role: 'server', proto: 'HTTP', length: 5000 }, 'HTTP 206, 5.000 byte letti dal disco a blocchi'],
    [{ kind: 'send', detail: { what: 'bytes' }, role: 'client', proto: 'TCP', length: 1 }, 'scritto 1 byte nello stream'],
    [{ kind: 'listen', detail: { address: '0.0.0.0', port: 12000, mode: 'iterative', recvSize: 1024 }, role: 'server', proto: 'TCP', length: 0 }, 'in ascolto su (0.0.0.0, 12000), iterativo, recv(1024)']
  ] as const)('in Italian: %j', (event, words) => {
    expect(eventWords(event as Parameters<typeof eventWords>[0], tOf('it'))).toBe(words)
  })
})
