import { execFileSync } from 'node:child_process'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { tcpClient, tcpServer, testLab, type TestLab } from './helpers/lab'
import { words } from './helpers/words'

let t: TestLab
afterEach(async () => t?.close())

/** A raw client: connect, optionally send, collect everything until the server closes. */
function exchange(port: number, host: string, payload?: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const s = net.connect({ host, port }, () => payload !== undefined && s.write(payload))
    s.on('data', (d) => chunks.push(d))
    s.on('end', () => resolve(Buffer.concat(chunks)))
    s.on('error', reject)
  })
}

describe.each([
  ['IPv4', '127.0.0.1', '0.0.0.0'],
  ['IPv6', '::1', '::']
])('TCP over %s', (_family, client, any) => {
  it('upper-cases one request and closes, with the course lines and events on both sides', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ address: any }))
    const port = server.local!.port
    const c = await t.start(tcpClient(port, { address: client }))
    const result = await t.lab.send(c.id, 'hello world')
    expect(result.reply).toBe('HELLO WORLD')
    const at = client.includes(':') ? `(${client}, ${port})` : `(127.0.0.1, ${port})`
    expect(t.lines(c.id)).toEqual([`Connected to server at ${at}`, 'Received reply <HELLO WORLD>', `Connection closed with server at ${at}`])
    await t.waitForEvent((e) => e.endpoint === server.id && words(e).startsWith('Sent reply to'))
    const lines = t.lines(server.id)
    expect(lines[0]).toBe(`Server waiting on (${any}, ${port})`)
    expect(lines[1]).toMatch(new RegExp(`^Received request from \\(${client.replace(/[.:]/g, '\\$&')}, \\d+\\)$`))
    expect(lines[2]).toMatch(/^Sent reply to /)
    const send = t.events.find((e) => e.endpoint === c.id && e.kind === 'send')!
    const recv = t.events.find((e) => e.endpoint === server.id && e.kind === 'recv')!
    expect(send.length).toBe(11)
    expect(Buffer.from(send.preview!, 'base64').toString()).toBe('hello world')
    expect(send.remote).toMatchObject({ address: client, port })
    expect(recv.remote?.port).toBe(send.local?.port)
    expect(recv.length).toBe(11)
    const reply = t.events.find((e) => e.endpoint === server.id && e.kind === 'send')!
    expect(Buffer.from(reply.preview!, 'base64').toString()).toBe('HELLO WORLD')
  })
})

describe('TCP client', () => {
  it('a connection the server closes while the client waits for nothing is logged as closed by the server, and the next sentence connects again', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ address: '127.0.0.1' }))
    const port = server.local!.port
    const c = await t.start(tcpClient(port))
    await t.lab.connect(c.id)
    await t.lab.stop(server.id)
    const closed = await t.waitForEvent((e) => e.endpoint === c.id && e.kind === 'close')
    expect(closed.detail).toEqual({ closedBy: 'server', reason: 'server-closed-idle' })
    expect(words(closed)).toMatch(/the server closed the connection \(FIN\)/)
    // Not "already connected": a new connection, to a server started again on the same port.
    await t.start(tcpServer({ address: '127.0.0.1', port }))
    expect((await t.lab.send(c.id, 'again')).reply).toBe('AGAIN')
  })
})

describe('TCP server', () => {
  it('reads at most recvSize bytes once, like recv(1024), and says what it left unread', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const big = Buffer.alloc(5000, 'a')
    const reply = await exchange(server.local!.port, '127.0.0.1', big)
    expect(reply.length).toBeLessThanOrEqual(1024)
    expect(reply.length).toBeGreaterThan(0)
    expect(reply.toString()).toBe('A'.repeat(reply.length))
  })

  it('upper-cases only ASCII letters and passes binary bytes through, like bytes.upper()', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const payload = Buffer.from([0x00, 0xff, 0x61, 0x7a, 0x7b, 0xc3, 0xa0, 0x41, 0x0a])
    const reply = await exchange(server.local!.port, '127.0.0.1', payload)
    expect([...reply]).toEqual([0x00, 0xff, 0x41, 0x5a, 0x7b, 0xc3, 0xa0, 0x41, 0x0a])
  })

  it('iterative: a second client waits until the first is served; concurrent: it does not', async () => {
    for (const concurrent of [false, true]) {
      t = testLab()
      const server = await t.start(tcpServer({ concurrent }))
      const port = server.local!.port
      const first = await t.start(tcpClient(port))
      const second = await t.start(tcpClient(port))
      await t.lab.connect(first.id)
      const secondReply = t.lab.send(second.id, 'second')
      const early = await Promise.race([secondReply.then(() => 'served'), new Promise((r) => setTimeout(() => r('waiting'), 400))])
      expect(early).toBe(concurrent ? 'served' : 'waiting')
      await expect(t.lab.send(first.id, 'first')).resolves.toMatchObject({ reply: 'FIRST' })
      await expect(secondReply).resolves.toMatchObject({ reply: 'SECOND' })
      await t.close()
    }
  })

  it('iterative: a second client is QUEUED in the listen backlog, and its ACCEPT comes when accept() returns it', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const first = await t.start(tcpClient(port))
    const second = await t.start(tcpClient(port))
    await t.lab.connect(first.id)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 1)
    const secondReply = t.lab.send(second.id, 'second')
    const queued = await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued')
    expect(queued.conn).toBe(2)
    expect(words(queued)).toBe('connection from 127.0.0.1 waits in the listen backlog: the kernel finished the handshake, 1 ahead of it (iterative server)')
    // The second client is connected as far as it knows (the kernel did the handshake), yet not accepted.
    await t.waitForEvent((e) => e.endpoint === second.id && e.kind === 'connect')
    await new Promise((r) => setTimeout(r, 300))
    expect(t.events.filter((e) => e.endpoint === server.id && e.kind === 'accept').map((e) => e.conn)).toEqual([1])
    await t.lab.send(first.id, 'first')
    await expect(secondReply).resolves.toMatchObject({ reply: 'SECOND' })
    // The server's socket events (its start, a lifecycle event, comes right after its listen: test/lifecycle-feed.test.ts).
    const serverRows = t.events.filter((e) => e.endpoint === server.id && e.kind !== 'console' && e.kind !== 'lifecycle').map((e) => `${e.kind} ${e.conn}`)
    expect(t.events.filter((e) => e.endpoint === server.id && e.kind === 'lifecycle').map((e) => e.detail)).toMatchObject([{ step: 'started' }])
    expect(serverRows).toEqual(['listen 0', 'accept 1', 'queued 2', 'recv 1', 'send 1', 'close 1', 'accept 2', 'recv 2', 'send 2', 'close 2'])
    const accept2 = t.events.find((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 2)!
    expect(words(accept2)).toMatch(/^connection from 127\.0\.0\.1 accepted after \d+\.\d s in the listen backlog$/)
  })

  it('concurrent: every connection is accepted at once, none queued', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ concurrent: true }))
    const port = server.local!.port
    const first = await t.start(tcpClient(port))
    const second = await t.start(tcpClient(port))
    await t.lab.connect(first.id)
    await expect(t.lab.send(second.id, 'b')).resolves.toMatchObject({ reply: 'B' })
    await t.lab.send(first.id, 'a')
    expect(t.events.filter((e) => e.endpoint === server.id && (e.kind === 'accept' || e.kind === 'queued')).map((e) => e.kind)).toEqual(['accept', 'accept'])
  })

  it('a server bound to :: shows an IPv4 peer as ::ffff:127.0.0.1, as Python does', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ address: '::' }))
    const port = server.local!.port
    const c = await t.start(tcpClient(port))
    await t.lab.send(c.id, 'mapped')
    const sent = await t.waitForEvent((e) => e.endpoint === server.id && words(e).startsWith('Sent reply to'))
    const clientPort = t.events.find((e) => e.endpoint === c.id && e.kind === 'connect')!.local!.port
    expect(t.lines(server.id)[1]).toBe(`Received request from (::ffff:127.0.0.1, ${clientPort})`)
    expect(words(sent)).toBe(`Sent reply to (::ffff:127.0.0.1, ${clientPort})`)
    const accept = t.events.find((e) => e.endpoint === server.id && e.kind === 'accept')!
    expect(accept.remote).toEqual({ address: '::ffff:127.0.0.1', port: clientPort, family: 'IPv6' })
    expect(accept.local).toEqual({ address: '::ffff:127.0.0.1', port, family: 'IPv6' })
  })

  it('keeps serving after clients that send nothing, reset, or vanish', async () => {
    t = testLab()
    const server = await t.start(tcpServer({ concurrent: false, idleTimeoutMs: 300 }))
    const port = server.local!.port
    // Silent client: connects, sends nothing, stays.
    let silentPort = 0
    const silent = net.connect({ host: '127.0.0.1', port }, () => (silentPort = silent.localPort!))
    silent.on('error', () => {})
    // Resetting client: connects and aborts.
    const rude = net.connect({ host: '127.0.0.1', port }, () => rude.resetAndDestroy())
    rude.on('error', () => {})
    // Half-closing client: sends nothing and closes its side.
    const quiet = net.connect({ host: '127.0.0.1', port }, () => quiet.end())
    quiet.on('error', () => {})
    const reply = await exchange(port, '127.0.0.1', 'still there?')
    expect(reply.toString()).toBe('STILL THERE?')
    expect(t.lines(server.id)).toContain(`No request from (127.0.0.1, ${silentPort}) within 0.3 s: closing the connection`)
    expect(silentPort).toBeGreaterThan(0)
    silent.destroy()
  })

  it('reports a port already in use as EADDRINUSE in plain words, and stopping frees the port', async () => {
    t = testLab()
    const first = await t.start(tcpServer())
    const port = first.local!.port
    await expect(t.start(tcpServer({ port }))).rejects.toMatchObject({ code: 'EADDRINUSE', message: expect.stringContaining(`port ${port} is already in use`) })
    await t.lab.stop(first.id)
    const again = await t.start(tcpServer({ port }))
    expect(again.local!.port).toBe(port)
    expect(t.lab.list().map((e) => e.id)).toEqual([again.id])
  })

  it('a client to a closed port gets a refusal in plain words', async () => {
    t = testLab()
    const probe = await t.start(tcpServer())
    const port = probe.local!.port
    await t.lab.stop(probe.id)
    const c = await t.start(tcpClient(port))
    await expect(t.lab.send(c.id, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED', message: `connection refused by (127.0.0.1, ${port}): no server is listening there` })
    expect(t.events.some((e) => e.endpoint === c.id && e.kind === 'error' && e.code === 'ECONNREFUSED')).toBe(true)
  })
  it('logs a queued client that resets with the address it had when it was accepted', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const first = await t.start(tcpClient(port))
    await t.lab.connect(first.id)
    // Client 2 waits in the backlog behind client 1 (QUEUED) and resets (RST) while it waits its turn.
    const second = net.connect({ host: '127.0.0.1', port })
    second.on('error', () => {})
    await new Promise((resolve) => second.once('connect', resolve))
    const secondPort = second.localPort!
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued' && e.conn === 2)
    second.resetAndDestroy()
    await t.lab.send(first.id, 'first')
    await t.waitForEvent((e) => e.endpoint === server.id && e.conn === 2 && e.kind === 'close')
    expect(t.lines(server.id)).toContain(`Connection reset by (127.0.0.1, ${secondPort})`)
  })

  it('says the address is unknown, never (?, 0), for a client that reset before the server accepted it', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const first = await t.start(tcpClient(port))
    await t.lab.connect(first.id)
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'accept')
    // A real peer that connects, sends and resets while this process is blocked: the kernel
    // completes the handshake, but Node accepts only afterwards, when getpeername() has nothing left.
    execFileSync('python3', ['-c', [
      'import socket, struct',
      `s = socket.create_connection(("127.0.0.1", ${port}))`,
      's.sendall(b"hi")',
      's.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))',
      's.close()'
    ].join('\n')], { timeout: 10_000 })
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued' && e.conn === 2)
    await t.lab.send(first.id, 'first')
    await t.waitForEvent((e) => e.endpoint === server.id && e.conn === 2 && e.kind === 'close')
    const lines = t.lines(server.id).join('\n')
    expect(lines).not.toContain('(?, 0)')
    expect(lines).toMatch(/(Received request from|Connection reset by) an unknown address \(the client reset the connection before the server could ask where it came from\)/)
    const rows = t.events.filter((e) => e.endpoint === server.id && e.conn === 2 && (e.kind === 'queued' || e.kind === 'accept'))
    expect(rows.map((e) => e.kind)).toEqual(['queued', 'accept'])
    for (const row of rows) expect(words(row)).not.toContain('undefined')
  })
})

describe('TCP client', () => {
  it('refuses an empty sentence before connecting: send(b"") puts nothing on the wire and both sides would wait forever', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const c = await t.start(tcpClient(server.local!.port))
    await expect(t.lab.send(c.id, '')).rejects.toMatchObject({ code: 'EEMPTY', message: expect.stringMatching(/^an empty sentence puts nothing on the wire/) })
    // Nothing on the wire: its start, then the error (no connect, no send); its activity changes are lifecycle events.
    expect(t.events.filter((e) => e.endpoint === c.id && e.kind !== 'lifecycle').map((e) => e.kind)).toEqual(['error'])
    expect(t.events.find((e) => e.endpoint === c.id)).toMatchObject({ kind: 'lifecycle', detail: { step: 'started' } })
    expect(t.events.some((e) => e.endpoint === server.id && e.kind === 'accept')).toBe(false)
    await expect(t.lab.send(c.id, 'then this')).resolves.toMatchObject({ reply: 'THEN THIS' })
  })

  it('gives up waiting for a reply after its timeout and closes, which frees an iterative server', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const holder = await t.start(tcpClient(port))
    const impatient = await t.start(tcpClient(port, { timeoutMs: 300 }))
    await t.lab.connect(holder.id)
    await expect(t.lab.send(impatient.id, 'too slow')).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      message: `no reply from (127.0.0.1, ${port}) within 0.3 s: the server is busy (an iterative server serves one client at a time) or never answered`
    })
    expect(t.events.filter((e) => e.endpoint === impatient.id && e.kind !== 'console' && e.kind !== 'lifecycle').map((e) => e.kind)).toEqual(['connect', 'send', 'error', 'close'])
    await expect(t.lab.send(holder.id, 'held')).resolves.toMatchObject({ reply: 'HELD' })
  })
})
