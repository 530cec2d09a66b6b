import { execFileSync } from 'node:child_process'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { tcpServer, testLab, type TestLab } from './helpers/lab'

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
    const c = await t.start({ kind: 'tcp-client', address: client, port, recvSize: 1024 })
    const result = await t.lab.send(c.id, 'hello world')
    expect(result.reply).toBe('HELLO WORLD')
    const at = client.includes(':') ? `(${client}, ${port})` : `(127.0.0.1, ${port})`
    expect(t.lines(c.id)).toEqual([`Connected to server at ${at}`, 'Received reply <HELLO WORLD>', `Connection closed with server at ${at}`])
    await t.waitForEvent((e) => e.endpoint === server.id && e.info.startsWith('Sent reply to'))
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
      const first = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024 })
      const second = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024 })
      await t.lab.connect(first.id)
      const secondReply = t.lab.send(second.id, 'second')
      const early = await Promise.race([secondReply.then(() => 'served'), new Promise((r) => setTimeout(() => r('waiting'), 400))])
      expect(early).toBe(concurrent ? 'served' : 'waiting')
      await expect(t.lab.send(first.id, 'first')).resolves.toMatchObject({ reply: 'FIRST' })
      await expect(secondReply).resolves.toMatchObject({ reply: 'SECOND' })
      await t.close()
    }
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
    const c = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024 })
    await expect(t.lab.send(c.id, 'x')).rejects.toMatchObject({ code: 'ECONNREFUSED', message: `connection refused by (127.0.0.1, ${port}): no server is listening there` })
    expect(t.events.some((e) => e.endpoint === c.id && e.kind === 'error' && e.code === 'ECONNREFUSED')).toBe(true)
  })
  it('logs a queued client that resets with the address it had when it was accepted', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const first = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024 })
    await t.lab.connect(first.id)
    // Client 2 queues behind client 1 and, once accepted, resets (RST) while it waits its turn.
    const second = net.connect({ host: '127.0.0.1', port })
    second.on('error', () => {})
    await new Promise((resolve) => second.once('connect', resolve))
    const secondPort = second.localPort!
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 2)
    second.resetAndDestroy()
    await t.lab.send(first.id, 'first')
    await t.waitForEvent((e) => e.endpoint === server.id && e.conn === 2 && e.kind === 'close')
    expect(t.lines(server.id)).toContain(`Connection reset by (127.0.0.1, ${secondPort})`)
  })

  it('says the address is unknown, never (?, 0), for a client that reset before the server accepted it', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const first = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024 })
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
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 2)
    await t.lab.send(first.id, 'first')
    await t.waitForEvent((e) => e.endpoint === server.id && e.conn === 2 && e.kind === 'close')
    const lines = t.lines(server.id).join('\n')
    expect(lines).not.toContain('(?, 0)')
    expect(lines).toMatch(/(Received request from|Connection reset by) an unknown address \(the client reset the connection before the server could ask where it came from\)/)
    const accept = t.events.find((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 2)!
    expect(accept.info).not.toContain('undefined')
  })
})
