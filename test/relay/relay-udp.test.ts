// The UDP relay on real sockets: each impairment measured over a bounded run with a fixed seed,
// within a tolerance, and counted exactly against what the peers saw.

import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { startRelay, type Relay, type RelayConfig } from '../../src/engine/relay'
import { displaced, recordsOf, sleep, udpEcho, udpPeer, until, type UdpEcho, type UdpPeer } from './helpers'

const N = 400
let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c()
  cleanup = []
})

async function setup(host: string, config: Partial<RelayConfig>): Promise<{ relay: Relay; echo: UdpEcho; peer: UdpPeer }> {
  const echo = await udpEcho(host)
  cleanup.push(() => echo.close())
  const relay = await startRelay({ proto: 'udp', listen: { address: host, port: 0 }, target: { host, port: echo.port }, ...config })
  cleanup.push(() => relay.close())
  const peer = await udpPeer(host)
  cleanup.push(() => peer.close())
  return { relay, echo, peer }
}

/** The numbers of the datagrams a run dropped, client→server. */
async function droppedBy(host: string, seed: number, loss: number): Promise<number[]> {
  const { relay, echo, peer } = await setup(host, { seed, c2s: { loss } })
  const records = recordsOf(relay)
  await peer.sendMany(200, relay.local.port)
  await until(() => relay.stats().c2s.dropped + echo.seqs.length === 200, 5000, 'every datagram dropped or delivered')
  return records.flatMap((r) => (r.type === 'drop' ? [r.n] : []))
}

describe.each([
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1']
])('UDP relay over %s', (_family, host) => {
  it('forwards both ways with no impairment, from one socket per client address', async () => {
    const { relay, echo, peer } = await setup(host, { seed: 1 })
    await peer.sendMany(50, relay.local.port)
    await until(() => peer.replies.length === 50, 5000, '50 replies')
    expect(echo.seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const s = relay.stats()
    expect(s.c2s).toMatchObject({ forwarded: 50, dropped: 0, duplicated: 0, reordered: 0, delayed: 0 })
    expect(s.s2c.forwarded).toBe(50)
    expect(s.c2s.bytes).toBe(s.s2c.bytes)
    expect(s.flows).toMatchObject({ opened: 1, open: 1 })
  })

  it('loss: drops about the share asked for, exactly the datagrams it reports', async () => {
    const { relay, echo, peer } = await setup(host, { seed: 7, c2s: { loss: 20 } })
    const records = recordsOf(relay)
    await peer.sendMany(N, relay.local.port)
    await until(() => relay.stats().c2s.dropped + echo.seqs.length === N, 5000, 'every datagram dropped or delivered')
    const dropped = records.flatMap((r) => (r.type === 'drop' ? [r.n] : []))
    expect(dropped.length / N).toBeGreaterThan(0.14)
    expect(dropped.length / N).toBeLessThan(0.26)
    // What the server got is exactly what the relay did not drop (datagram n is `seq n`: one client, in order).
    const all = Array.from({ length: N }, (_, i) => i + 1)
    expect(echo.seqs).toEqual(all.filter((n) => !dropped.includes(n)))
    // Only client→server was impaired: every datagram that reached the server came back.
    await until(() => peer.replies.length === echo.seqs.length, 5000, 'the replies')
    expect(relay.stats().s2c.dropped).toBe(0)
  })

  it('the same seed drops the same datagrams; another seed, others; a higher loss, a superset', async () => {
    const a = await droppedBy(host, 1234, 15)
    const b = await droppedBy(host, 1234, 15)
    const c = await droppedBy(host, 99, 15)
    const d = await droppedBy(host, 1234, 30)
    expect(a.length).toBeGreaterThan(10)
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
    expect(d.length).toBeGreaterThan(a.length)
    for (const n of a) expect(d).toContain(n)
  })

  it('duplicate: sends about the share asked for twice', async () => {
    const { relay, echo, peer } = await setup(host, { seed: 3, c2s: { duplicate: 25 } })
    await peer.sendMany(N, relay.local.port)
    await until(() => echo.seqs.length === N + relay.stats().c2s.duplicated && peer.replies.length === echo.seqs.length, 5000, 'originals and copies')
    const dup = relay.stats().c2s.duplicated
    expect(dup / N).toBeGreaterThan(0.18)
    expect(dup / N).toBeLessThan(0.32)
    const counts = new Map<number, number>()
    for (const s of echo.seqs) counts.set(s, (counts.get(s) ?? 0) + 1)
    expect([...counts.values()].filter((c) => c === 2).length).toBe(dup)
    expect(counts.size).toBe(N)
  })

  it('reorder: a datagram held back is overtaken by the next, as often as reported', async () => {
    const { relay, echo, peer } = await setup(host, { seed: 5, c2s: { reorder: 20 } })
    await peer.sendMany(N, relay.local.port)
    await until(() => echo.seqs.length === N, 5000, 'every datagram')
    const reordered = relay.stats().c2s.reordered
    // Each hold takes the next datagram to undo it: about p/(1+p) of the datagrams are overtaken.
    expect(reordered / N).toBeGreaterThan(0.1)
    expect(reordered / N).toBeLessThan(0.24)
    expect(displaced(echo.seqs)).toBe(reordered)
    expect([...echo.seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: N }, (_, i) => i + 1))
  })

  it('delay and jitter: each datagram waits delay ± jitter, each way', async () => {
    const { relay, peer } = await setup(host, { seed: 11, c2s: { delay: 60, jitter: 20 }, s2c: { delay: 40 } })
    const records = recordsOf(relay)
    const rtts: number[] = []
    for (let i = 1; i <= 8; i++) {
      const t0 = performance.now()
      const before = peer.replies.length
      peer.socket.send(`seq ${i}`, relay.local.port, host)
      await until(() => peer.replies.length > before, 3000, `reply ${i}`)
      rtts.push(performance.now() - t0)
    }
    const delays = records.flatMap((r) => (r.type === 'delay' ? [r] : []))
    expect(delays.filter((r) => r.dir === 'c2s').every((r) => r.delayMs >= 40 && r.delayMs <= 80)).toBe(true)
    expect(delays.filter((r) => r.dir === 's2c').every((r) => r.delayMs === 40)).toBe(true)
    expect(relay.stats().c2s.delayed).toBe(8)
    expect(relay.stats().s2c.delayed).toBe(8)
    // 40..80 ms one way, 40 ms back; the tolerance above is for a busy machine.
    for (const rtt of rtts) {
      expect(rtt).toBeGreaterThanOrEqual(78)
      expect(rtt).toBeLessThan(120 + 250)
    }
  })

  it('impairs one direction only: loss on replies leaves requests whole', async () => {
    const { relay, echo, peer } = await setup(host, { seed: 8, s2c: { loss: 50 } })
    await peer.sendMany(100, relay.local.port)
    await until(() => echo.seqs.length === 100 && peer.replies.length + relay.stats().s2c.dropped === 100, 5000, 'the replies')
    expect(relay.stats().c2s.dropped).toBe(0)
    expect(relay.stats().s2c.dropped).toBeGreaterThan(30)
    expect(relay.stats().s2c.dropped).toBeLessThan(70)
  })
})

describe('UDP relay flows', () => {
  it('listening on :: it serves an IPv4 client too (as ::ffff:127.0.0.1), to an IPv4 server', async () => {
    const echo = await udpEcho('127.0.0.1')
    cleanup.push(() => echo.close())
    const relay = await startRelay({ proto: 'udp', listen: { address: '::', port: 0 }, target: { host: '127.0.0.1', port: echo.port } })
    cleanup.push(() => relay.close())
    const records = recordsOf(relay)
    const peer = await udpPeer('127.0.0.1')
    cleanup.push(() => peer.close())
    await peer.sendMany(5, relay.local.port)
    await until(() => peer.replies.length === 5, 3000, 'the replies')
    expect(records.find((r) => r.type === 'flow-open')).toMatchObject({ client: { address: '::ffff:127.0.0.1', port: peer.socket.address().port } })
  })

  it('keeps at most maxFlows client addresses, the least recently used going first, and expires idle ones', async () => {
    const { relay } = await setup('127.0.0.1', { seed: 2, maxFlows: 3, idleMs: 300 })
    const records = recordsOf(relay)
    const peers: UdpPeer[] = []
    for (let i = 0; i < 5; i++) {
      const p = await udpPeer('127.0.0.1')
      cleanup.push(() => p.close())
      peers.push(p)
      p.socket.send('seq 1', relay.local.port, '127.0.0.1')
      await until(() => p.replies.length === 1, 3000, `peer ${i}'s reply`)
    }
    expect(relay.stats().flows).toMatchObject({ opened: 5, open: 3, evicted: 2 })
    expect(records.filter((r) => r.type === 'flow-close' && r.reason === 'evicted').map((r) => (r as { flow: number }).flow)).toEqual([1, 2])
    await until(() => relay.stats().flows.open === 0, 3000, 'the idle flows to expire')
    expect(relay.stats().flows.expired).toBe(3)
    // A client that comes back gets a new flow, and is served.
    peers[0].socket.send('seq 2', relay.local.port, '127.0.0.1')
    await until(() => peers[0].replies.length === 2, 3000, 'the reply after expiry')
    expect(relay.stats().flows.opened).toBe(6)
  })

  it('close() releases the port and every socket, and drops what was still waiting', async () => {
    const echo = await udpEcho('127.0.0.1')
    cleanup.push(() => echo.close())
    const relay = await startRelay({ proto: 'udp', listen: { address: '127.0.0.1', port: 0 }, target: { host: '127.0.0.1', port: echo.port }, c2s: { delay: 300 } })
    const port = relay.local.port
    const peer = await udpPeer('127.0.0.1')
    cleanup.push(() => peer.close())
    peer.socket.send('seq 1', port, '127.0.0.1')
    await until(() => relay.stats().c2s.delayed === 1, 2000, 'the datagram to be held')
    const t0 = performance.now()
    await relay.close()
    expect(performance.now() - t0).toBeLessThan(200)
    await sleep(400)
    expect(echo.seqs).toEqual([])
    // The port is free again.
    const again = dgram.createSocket('udp4')
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject)
      again.bind({ port, address: '127.0.0.1', exclusive: true }, resolve)
    })
    await new Promise<void>((r) => again.close(() => r()))
  })
})
