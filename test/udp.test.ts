import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { testLab, type TestLab } from './helpers/lab'
import { words } from './helpers/words'

let t: TestLab
afterEach(async () => t?.close())

describe.each([
  ['IPv4', '127.0.0.1', '0.0.0.0', 'udp4'],
  ['IPv6', '::1', '::', 'udp6']
] as const)('UDP over %s', (family, client, any, type) => {
  it('answers a datagram upper-cased, with the course lines and one event per datagram', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: any, port: 0, recvSize: 2048 })
    const port = server.local!.port
    const c = await t.start({ kind: 'udp-client', address: client, port, recvSize: 2048, timeoutMs: 3000 })
    await expect(t.lab.send(c.id, 'hello world')).resolves.toEqual({ reply: 'HELLO WORLD', length: 11 })
    expect(t.lines(c.id)).toEqual(['Waiting for server response...', 'HELLO WORLD'])
    await t.waitForEvent((e) => e.endpoint === server.id && words(e).startsWith('Sent reply to'))
    expect(t.lines(server.id)[0]).toBe(`Server waiting on (${any}, ${port})`)
    expect(t.lines(server.id)[1]).toMatch(/^Received request from \(.+, \d+\)$/)
    const sent = t.events.find((e) => e.endpoint === c.id && e.kind === 'send')!
    const got = t.events.find((e) => e.endpoint === server.id && e.kind === 'recv')!
    expect(sent).toMatchObject({ proto: 'UDP', length: 11, remote: { address: client, port } })
    expect(got.remote?.port).toBe(sent.local?.port)
    expect(words(got)).toMatch(/^datagram of 11 bytes/)
  })

  it('a datagram keeps its addresses in transit: the SEND row shows the source the server sees, not the wildcard', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: any, port: 0, recvSize: 2048 })
    const port = server.local!.port
    const c = await t.start({ kind: 'udp-client', address: client, port, recvSize: 2048, timeoutMs: 3000 })
    await t.lab.send(c.id, 'where from?')
    const sent = t.events.find((e) => e.endpoint === c.id && e.kind === 'send')!
    const got = t.events.find((e) => e.endpoint === server.id && e.kind === 'recv')!
    expect(sent.local).toEqual(got.remote)
    expect(sent.local?.address).toBe(client)
    expect(sent.remote).toEqual({ address: client, port, family })
  })

  it('a server bound to the wildcard says on its rows why its own address differs from what the client used', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: any, port: 0, recvSize: 2048 })
    const port = server.local!.port
    const c = await t.start({ kind: 'udp-client', address: client, port, recvSize: 2048, timeoutMs: 3000 })
    await t.lab.send(c.id, 'to whom?')
    const sent = t.events.find((e) => e.endpoint === c.id && e.kind === 'send')!
    const got = await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'recv')
    const reply = await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'send')
    // The client addressed the datagram to ${client}; recvfrom() on a wildcard socket does not say which address it came in on.
    expect(sent.remote?.address).toBe(client)
    expect(got.local?.address).toBe(any)
    expect(words(got)).toContain(`bound to ${any}`)
    expect(reply.local?.address).toBe(any)
    expect(words(reply)).toContain(`bound to ${any}`)
  })

  it('a UDP server BINDs: it has no connections to listen for', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: any, port: 0, recvSize: 2048 })
    const kinds = t.events.filter((e) => e.endpoint === server.id && e.kind !== 'console').map((e) => e.kind)
    // Its start is said in the feed once it is bound (a lifecycle event): still no listen.
    expect(kinds).toEqual(['bind', 'lifecycle'])
    expect(words(t.events[0])).toBe(`bound to (${any}, ${server.local!.port}), recvfrom(2048)`)
  })

  it('keeps the first recvSize bytes of a long datagram, as recvfrom(2048) does', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: any, port: 0, recvSize: 2048 })
    const sock = dgram.createSocket(type)
    const reply = await new Promise<Buffer>((resolve) => {
      sock.on('message', resolve)
      sock.send(Buffer.alloc(5000, 'x'), server.local!.port, client)
    })
    sock.close()
    expect(reply.length).toBe(2048)
    expect(reply.toString()).toBe('X'.repeat(2048))
    const recv = await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'recv')
    expect(recv.length).toBe(5000)
    expect(words(recv)).toContain('truncated to 2048 by recvfrom(2048)')
  })
})

describe('UDP client', () => {
  it('gives up after its timeout with a message that names UDP losses', async () => {
    t = testLab()
    // A bound socket that never answers: the datagram arrives and nothing comes back.
    const mute = dgram.createSocket('udp4')
    await new Promise<void>((r) => mute.bind(0, '127.0.0.1', () => r()))
    const c = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: mute.address().port, recvSize: 2048, timeoutMs: 300 })
    await expect(t.lab.send(c.id, 'anyone?')).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringContaining('within 0.3 s') })
    mute.close()
    expect(t.events.filter((e) => e.endpoint === c.id && e.kind === 'error')).toHaveLength(1)
  })

  it('a server survives binary and empty datagrams', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    const sock = dgram.createSocket('udp4')
    const replies: Buffer[] = []
    const both = new Promise<void>((resolve) => sock.on('message', (m) => replies.push(m) === 2 && resolve()))
    sock.send(Buffer.from([0, 0xff, 0x61]), server.local!.port, '127.0.0.1')
    sock.send(Buffer.alloc(0), server.local!.port, '127.0.0.1')
    await both
    sock.close()
    expect(replies.map((r) => [...r])).toEqual([[0, 0xff, 0x41], []])
  })

  it('a server bound to :: shows an IPv4 sender as ::ffff:127.0.0.1, as Python does', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '::', port: 0, recvSize: 2048 })
    const c = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: server.local!.port, recvSize: 2048, timeoutMs: 3000 })
    await t.lab.send(c.id, 'mapped')
    const sent = t.events.find((e) => e.endpoint === c.id && e.kind === 'send')!
    const got = await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'recv')
    expect(sent.local?.address).toBe('127.0.0.1')
    expect(got.remote).toEqual({ address: '::ffff:127.0.0.1', port: sent.local!.port, family: 'IPv6' })
    expect(t.lines(server.id)[1]).toBe(`Received request from (::ffff:127.0.0.1, ${sent.local!.port})`)
  })
})
