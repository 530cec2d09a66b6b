// The TCP relay on real sockets: every byte in order whatever the slicing, delay, rate, the byte
// limit and the reset, and resets passed on.

import { createHash, randomBytes } from 'node:crypto'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startRelay, type Relay, type RelayConfig } from '../../src/engine/relay'
import { connect, recordsOf, sleep, tcpSink, until, type TcpSink } from './helpers'

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c()
  cleanup = []
})

async function setup(host: string, config: Partial<RelayConfig>, echo = false): Promise<{ relay: Relay; sink: TcpSink }> {
  const sink = await tcpSink(host, echo)
  cleanup.push(() => sink.close())
  const relay = await startRelay({ proto: 'tcp', listen: { address: host, port: 0 }, target: { host, port: sink.port }, ...config })
  cleanup.push(() => relay.close())
  return { relay, sink }
}

interface Client {
  socket: net.Socket
  got: Buffer[]
  ended: boolean
  error?: string
  closed: boolean
  write(data: string | Buffer): void
  end(data?: string | Buffer): void
}

async function client(host: string, port: number): Promise<Client> {
  const socket = await connect(host, port)
  const c: Client = { socket, got: [], ended: false, closed: false, write: (d) => void socket.write(d), end: (d) => void (d === undefined ? socket.end() : socket.end(d)) }
  socket.on('data', (d) => c.got.push(d))
  socket.on('end', () => (c.ended = true))
  socket.on('error', (err: NodeJS.ErrnoException) => (c.error = err.code))
  socket.on('close', () => (c.closed = true))
  cleanup.push(async () => void socket.destroy())
  return c
}

const sha = (bufs: Buffer[]): string => createHash('sha256').update(Buffer.concat(bufs)).digest('hex')
const total = (bufs: Buffer[]): number => bufs.reduce((a, b) => a + b.length, 0)

describe.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1']
])('TCP relay over %s', (_family, host) => {
  it('copies both ways, passes on the half-close, and counts', async () => {
    const { relay, sink } = await setup(host, {}, true)
    const c = await client(host, relay.local.port)
    c.end('hello relay')
    await until(() => c.ended && c.closed, 3000, 'the echo and the end')
    expect(Buffer.concat(c.got).toString()).toBe('hello relay')
    expect(sink.conns[0].ended).toBe(true)
    await until(() => relay.stats().flows.open === 0, 3000, 'the connection to close')
    expect(relay.stats().c2s.bytes).toBe(11)
    expect(relay.stats().s2c.bytes).toBe(11)
    expect(relay.stats().flows.opened).toBe(1)
  })

  it('slice: one write arrives as many small writes, and every byte still arrives, in order', async () => {
    const { relay, sink } = await setup(host, { c2s: { slice: 500, sliceDelay: 15 } })
    const records = recordsOf(relay)
    const c = await client(host, relay.local.port)
    const message = randomBytes(3000)
    c.end(message)
    await until(() => sink.conns[0]?.ended, 5000, 'the sink to read everything')
    expect(Buffer.concat(sink.conns[0].bytes).equals(message)).toBe(true)
    const slices = records.flatMap((r) => (r.type === 'slice' ? [r] : []))
    expect(slices.reduce((a, r) => a + r.pieces, 0)).toBe(relay.stats().c2s.sliced)
    expect(relay.stats().c2s.sliced).toBe(6)
    // 15 ms apart, the server's reads see the slices separately (not necessarily one by one).
    expect(sink.conns[0].reads.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...sink.conns[0].reads)).toBeLessThanOrEqual(1000)
  })

  it('slice with no delay: a large transfer arrives whole and in order', async () => {
    const { relay, sink } = await setup(host, { c2s: { slice: 1000 }, s2c: { slice: 700 } }, true)
    const c = await client(host, relay.local.port)
    const message = randomBytes(300_000)
    c.end(message)
    await until(() => c.ended, 10_000, 'the whole echo')
    expect(total(sink.conns[0].bytes)).toBe(message.length)
    expect(sha(sink.conns[0].bytes)).toBe(sha([message]))
    expect(sha(c.got)).toBe(sha([message]))
    expect(relay.stats().c2s.forwarded).toBeGreaterThanOrEqual(300)
  })

  it('delay and jitter: a reply takes the delay of both ways, order kept', async () => {
    const { relay } = await setup(host, { seed: 4, c2s: { delay: 80, jitter: 30 }, s2c: { delay: 50 } }, true)
    const c = await client(host, relay.local.port)
    const t0 = performance.now()
    for (let i = 0; i < 20; i++) c.write(`${i};`)
    await until(() => total(c.got) >= 20 * 3 - 10, 5000, 'the echoes')
    const rtt = performance.now() - t0
    const expected = Array.from({ length: 20 }, (_, i) => `${i};`).join('')
    expect(Buffer.concat(c.got).toString()).toBe(expected)
    expect(rtt).toBeGreaterThanOrEqual(50 + 50 - 1)
    expect(rtt).toBeLessThan(110 + 50 + 400)
    expect(relay.stats().c2s.delayed).toBeGreaterThan(0)
  })

  it('rate: 60 KB at 200 KB/s takes about 0.3 s', async () => {
    const { relay, sink } = await setup(host, { c2s: { rate: 200 } })
    const c = await client(host, relay.local.port)
    const message = randomBytes(60_000)
    const t0 = performance.now()
    c.end(message)
    await until(() => sink.conns[0]?.ended, 5000, 'the transfer')
    const elapsed = performance.now() - t0
    expect(sha(sink.conns[0].bytes)).toBe(sha([message]))
    expect(elapsed).toBeGreaterThanOrEqual(250)
    expect(elapsed).toBeLessThan(1500)
  })

  it('limit: closes the connection after so many bytes, the server having read exactly those', async () => {
    const { relay, sink } = await setup(host, { c2s: { limit: 1000 } })
    const records = recordsOf(relay)
    const c = await client(host, relay.local.port)
    const message = randomBytes(5000)
    c.write(message)
    // The client (half-open allowed) sees the relay's FIN.
    await until(() => c.ended && !!sink.conns[0]?.ended, 5000, 'the close')
    expect(Buffer.concat(sink.conns[0].bytes).equals(message.subarray(0, 1000))).toBe(true)
    expect(c.error).toBeUndefined()
    expect(records.some((r) => r.type === 'limit' && r.limit === 1000 && r.dir === 'c2s')).toBe(true)
    await until(() => records.some((r) => r.type === 'flow-close'), 3000, 'the flow-close record')
    expect(records.find((r) => r.type === 'flow-close')).toMatchObject({ reason: 'limit' })
  })

  it('resetAfter: both peers see a reset after the time asked for', async () => {
    const { relay, sink } = await setup(host, { c2s: { resetAfter: 250 }, s2c: { resetAfter: 250 } }, true)
    const records = recordsOf(relay)
    const c = await client(host, relay.local.port)
    const t0 = performance.now()
    c.write('still here')
    await until(() => c.closed, 3000, 'the reset')
    const elapsed = performance.now() - t0
    expect(c.error).toBe('ECONNRESET')
    expect(elapsed).toBeGreaterThanOrEqual(240)
    expect(elapsed).toBeLessThan(1500)
    await until(() => sink.conns[0]?.error === 'ECONNRESET', 3000, "the server's reset")
    expect(records.find((r) => r.type === 'reset')).toMatchObject({ afterMs: 250, sides: ['server', 'client'] })
  })

  it('resetAfter one way: the server is reset, the client sees the connection closed', async () => {
    const { relay, sink } = await setup(host, { c2s: { resetAfter: 150 } })
    const c = await client(host, relay.local.port)
    await until(() => c.ended, 3000, "the relay's FIN")
    expect(c.error).toBeUndefined()
    await until(() => sink.conns[0]?.error === 'ECONNRESET', 3000, "the server's reset")
  })

  it("a server's reset reaches the client as a reset", async () => {
    const { relay, sink } = await setup(host, {})
    const c = await client(host, relay.local.port)
    c.write('x')
    await until(() => sink.conns.length === 1 && sink.conns[0].reads.length === 1, 3000, 'the server to read')
    sink.conns[0].socket.resetAndDestroy()
    await until(() => c.closed, 3000, 'the reset to reach the client')
    expect(c.error).toBe('ECONNRESET')
  })
})

describe('TCP relay', () => {
  it('a server that refuses: the client is reset, the relay goes on', async () => {
    const sink = await tcpSink('127.0.0.1')
    const port = sink.port
    await sink.close()
    const relay = await startRelay({ proto: 'tcp', listen: { address: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port } })
    cleanup.push(() => relay.close())
    const records = recordsOf(relay)
    const c = await client('127.0.0.1', relay.local.port)
    await until(() => c.closed, 3000, 'the client to be closed')
    expect(c.error).toBe('ECONNRESET')
    await until(() => records.some((r) => r.type === 'flow-close'), 3000, 'the record')
    expect(records.find((r) => r.type === 'flow-close')).toMatchObject({ reason: 'refused', code: 'ECONNREFUSED' })
  })

  it('close() ends every connection at once and frees the port', async () => {
    const { relay } = await setup('127.0.0.1', { c2s: { delay: 5000 } })
    const c = await client('127.0.0.1', relay.local.port)
    c.write('waiting')
    await sleep(50)
    const port = relay.local.port
    const t0 = performance.now()
    await relay.close()
    expect(performance.now() - t0).toBeLessThan(500)
    await until(() => c.ended || c.closed, 2000, 'the client to see the close')
    const again = net.createServer()
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject)
      again.listen({ port, host: '127.0.0.1', exclusive: true }, resolve)
    })
    await new Promise<void>((r) => again.close(() => r()))
  })
})
