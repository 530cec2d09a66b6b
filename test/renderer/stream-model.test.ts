// Writes against reads, built from events recorded on real sockets: the lab's own client and
// server (both legs paired), a program outside the lab (its side unseen), UDP truncation, and an
// HTTP reply read in several recv(1500) calls. Asserted on the recorded calls, never on timing.

import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/events'
import { chooseConnection, streamConnections, streamPicture, type Direction } from '../../src/renderer/src/stream/stream-model'
import { english, italian } from '../helpers/words'
import { tcpClient, tcpServer, testLab, type TestLab } from '../helpers/lab'
import { ROOT, start, type Running } from '../helpers/processes'
import { recvQueue, until } from '../helpers/kernel-waits'

let t: TestLab
const peers: Running[] = []
afterEach(async () => {
  for (const p of peers.splice(0)) await p.stop()
  await t?.close()
})

/** Each piece as [from, to] (and what was left unread or cut), for comparing. */
const spans = (d: Direction, lane: 'writes' | 'reads'): string[] | undefined =>
  d[lane]?.map((p) => `${p.from}-${p.to}${p.unread ? ` unread ${p.unread}` : ''}${p.cut ? ` cut ${p.cut}` : ''}`)

const only = (events: readonly LabEvent[], endpoint: string, kind: LabEvent['kind']): LabEvent[] => events.filter((e) => e.endpoint === endpoint && e.kind === kind)

describe('writes against reads (stream-model)', () => {
  it("pairs the lab's client and server legs of a TCP connection: a 3,000-byte write read by one recv(1024), the rest left unread", async () => {
    t = testLab()
    const server = await t.start(tcpServer({ recvSize: 1024 }))
    const client = await t.start(tcpClient(server.local!.port))
    await t.lab.send(client.id, 'x'.repeat(3000))
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)
    const connections = streamConnections(t.events)
    expect(connections).toHaveLength(1)
    const c = connections[0]
    expect(c.client?.endpoint).toBe(client.id)
    expect(c.server?.endpoint).toBe(server.id)
    const [up, down] = streamPicture(c).directions
    const read = only(t.events, server.id, 'recv')
    expect(read).toHaveLength(1)
    const leftover = read[0].kind === 'recv' && read[0].detail.what === 'stream' ? read[0].detail.leftover : -1
    // On loopback the whole write arrives at once: recv(1024) takes 1,024 and leaves 1,976.
    expect(leftover).toBe(1976)
    expect(spans(up, 'writes')).toEqual(['0-3000'])
    expect(spans(up, 'reads')).toEqual(['0-1024 unread 1976'])
    expect(up.total).toBe(3000)
    expect(english(up.caption)).toBe('1 write arrived as 1 read; 1,976 bytes left unread')
    expect(italian(up.caption)).toBe('1 scrittura è arrivata come 1 lettura; 1.976 byte residui non letti')
    expect(spans(down, 'writes')).toEqual(['0-1024'])
    expect(spans(down, 'reads')).toEqual(['0-1024'])
    expect(english(down.caption)).toBe('1 write arrived as 1 read')
  })

  it('3 writes of one message, waiting in the kernel together, arrive as 1 read of a keep-open server', async () => {
    t = testLab()
    // Iterative: while the first client holds the server, the second one's three writes wait in the
    // kernel; the server is freed only once ss counts all 11 bytes there.
    const server = await t.start(tcpServer({ keepOpen: true }))
    const port = server.local!.port
    const first = await t.start(tcpClient(port, { session: true }))
    await t.lab.send(first.id, 'first')
    const chunked = await t.start(tcpClient(port, { chunks: 3 }))
    const reply = t.lab.send(chunked.id, 'abc def ghi')
    await until(() => only(t.events, chunked.id, 'send').length === 3, 'the three writes')
    await until(() => recvQueue(port, only(t.events, chunked.id, 'send')[0].local!.port) === 11, 'all 11 bytes in the kernel')
    await t.lab.stop(first.id)
    await reply
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 2)
    const connections = streamConnections(t.events)
    expect(connections).toHaveLength(2)
    // No row selected: the connection with the newest bytes, the chunked client's.
    const c = chooseConnection(connections)!
    expect(c.client?.endpoint).toBe(chunked.id)
    const [up, down] = streamPicture(c).directions
    expect(spans(up, 'writes')).toEqual(['0-4', '4-7', '7-11'])
    expect(spans(up, 'reads')).toEqual(['0-11'])
    expect(english(up.caption)).toBe('3 writes arrived as 1 read')
    expect(italian(up.caption)).toBe('3 scritture sono arrivate come 1 lettura')
    expect(english(down.caption)).toBe('1 write arrived as 1 read')
    // The first client's session: its one message, one write and one read each way.
    expect(english(streamPicture(connections[0]).directions[0].caption)).toBe('1 write arrived as 1 read')
  })

  it('one write of 3,000 bytes takes 3 reads of recv(1024) at a keep-open server; a session of three messages is 3 writes against 3 reads', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ keepOpen: true, concurrent: true }))
    const c = await t.start(tcpClient(server.local!.port, { session: true, recvSize: 4096 }))
    await t.lab.send(c.id, 'x'.repeat(3000))
    await t.lab.stop(c.id)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)
    const [big] = streamConnections(t.events)
    const [up, down] = streamPicture(big).directions
    expect(spans(up, 'writes')).toEqual(['0-3000'])
    expect(spans(up, 'reads')).toEqual(['0-1024', '1024-2048', '2048-3000'])
    expect(english(up.caption)).toBe('1 write of 3,000 bytes took 3 reads of 1,024')
    expect(italian(up.caption)).toBe('1 scrittura di 3.000 byte ha richiesto 3 letture da 1.024')
    // The reply: the server's three writes, read by the client as the kernel glued them.
    const clientReads = only(t.events, c.id, 'recv').filter((e) => e.length > 0)
    expect(spans(down, 'writes')).toEqual(['0-1024', '1024-2048', '2048-3000'])
    expect(down.reads!.map((p) => p.to - p.from)).toEqual(clientReads.map((e) => e.length))
    expect(english(down.caption)).toBe(clientReads.length === 1 ? '3 writes arrived as 1 read' : `3 writes arrived as ${clientReads.length} reads`)

    const session = await t.start(tcpClient(server.local!.port, { session: true }))
    for (const m of ['one', 'two', 'three']) await t.lab.send(session.id, m)
    const s = streamConnections(t.events).find((x) => x.client?.endpoint === session.id)!
    expect(s.server?.conn).toBe(2)
    const [ask, answer] = streamPicture(s).directions
    expect(spans(ask, 'writes')).toEqual(['0-3', '3-6', '6-11'])
    expect(spans(ask, 'reads')).toEqual(['0-3', '3-6', '6-11'])
    expect(english(ask.caption)).toBe('3 writes arrived as 3 reads')
    expect(english(answer.caption)).toBe('3 writes arrived as 3 reads')
  })

  it('draws the side of a program outside the lab as unseen: three writes of a Python client, one recv() of the lab server', async () => {
    t = testLab()
    // Iterative: while the lab's client holds the server, the Python client's connection waits in
    // the backlog and its three writes pile up in the kernel; accept() then finds them all.
    const server = await t.start(tcpServer({ recvSize: 1024 }))
    const port = server.local!.port
    const holder = await t.start(tcpClient(port))
    await t.lab.connect(holder.id)
    const script = [
      'import socket, sys, time',
      `s = socket.create_connection(("127.0.0.1", ${port}))`,
      'for part in (b"one ", b"two ", b"three"):',
      '    s.sendall(part)',
      '    time.sleep(0.05)',
      'print("sent", flush=True)',
      's.recv(1024)',
      's.close()'
    ].join('\n')
    const py = start('python3', ['-c', script])
    peers.push(py)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued')
    await py.waitFor(/sent/)
    await t.lab.send(holder.id, 'free the server')
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 2)
    const connections = streamConnections(t.events)
    expect(connections).toHaveLength(2)
    const outside = connections.find((c) => !c.client)!
    expect(outside.server?.conn).toBe(2)
    const [up, down] = streamPicture(outside).directions
    expect(up.writes).toBeUndefined()
    expect(spans(up, 'reads')).toEqual(['0-13'])
    expect(english(up.caption)).toBe('1 read; the sender is not a lab program, its writes are not seen')
    expect(down.reads).toBeUndefined()
    expect(english(down.caption)).toBe('1 write; the receiver is not a lab program, its reads are not seen')
    // With no row selected, the connection with the newest bytes is drawn; a selected row picks its own.
    expect(chooseConnection(connections)).toBe(outside)
    const first = connections.find((c) => c.client?.endpoint === holder.id)!
    expect(chooseConnection(connections, only(t.events, holder.id, 'send')[0].seq)).toBe(first)
    expect(chooseConnection(connections, 10 ** 9)).toBe(outside)
  })

  it('UDP: each datagram is one read; one longer than recvfrom(1024) is drawn cut, and the caption says how much was lost', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '0.0.0.0', port: 0, recvSize: 1024 })
    const client = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: server.local!.port, recvSize: 2048, timeoutMs: 5000 })
    await t.lab.send(client.id, 'y'.repeat(2000))
    await t.lab.send(client.id, 'short one')
    const connections = streamConnections(t.events)
    // Each sentence from a socket of its own: two exchanges, each paired with the server's side.
    expect(connections).toHaveLength(2)
    expect(connections.every((c) => c.client && c.server)).toBe(true)
    const [up, down] = streamPicture(connections[0]).directions
    expect(spans(up, 'writes')).toEqual(['0-2000'])
    expect(spans(up, 'reads')).toEqual(['0-2000 cut 976'])
    expect(english(up.caption)).toBe('1 datagram of 2,000 bytes, cut to 1,024 by recvfrom(1024): 976 bytes lost')
    expect(italian(up.caption)).toBe('1 datagramma di 2.000 byte, troncato a 1.024 da recvfrom(1024): 976 byte persi')
    expect(spans(down, 'reads')).toEqual(['0-1024'])
    expect(english(down.caption)).toBe('1 datagram, one read: it arrived whole')
    expect(english(streamPicture(connections[1]).directions[0].caption)).toBe('1 datagram, one read: it arrived whole')
    // The latest is the second exchange.
    expect(chooseConnection(connections)).toBe(connections[1])
  })

  it("HTTP: the server's reply read by several recv(1500) calls, laid against its writes", async () => {
    t = testLab()
    const server = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: path.join(ROOT, 'resources', 'sample-site', 'en') })
    const client = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await t.lab.send(client.id, `http://127.0.0.1:${server.local!.port}/about.html`)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)
    const [c] = streamConnections(t.events)
    expect(c.client?.endpoint).toBe(client.id)
    expect(c.server?.endpoint).toBe(server.id)
    const [up, down] = streamPicture(c).directions
    expect(up.writes).toHaveLength(1)
    expect(up.writes![0].to).toBe(only(t.events, client.id, 'send')[0].length)
    const reads = only(t.events, client.id, 'recv').filter((e) => e.length > 0)
    const writes = only(t.events, server.id, 'send')
    const total = writes.reduce((n, e) => n + e.length, 0)
    expect(reads.reduce((n, e) => n + e.length, 0)).toBe(total)
    expect(reads.length).toBe(Math.ceil(total / 1500))
    expect(down.reads!.map((p) => p.to - p.from)).toEqual(reads.map((e) => e.length))
    expect(down.writes!.map((p) => p.to - p.from)).toEqual(writes.map((e) => e.length))
    expect(down.total).toBe(total)
    const words = english(down.caption)
    if (writes.length === 1) expect(words).toBe(`1 write of ${total.toLocaleString('en')} bytes took ${reads.length} reads of 1,500`)
    else expect(words).toBe(`${writes.length} writes arrived as ${reads.length} reads`)
  })
})
