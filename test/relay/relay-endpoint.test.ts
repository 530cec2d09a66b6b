// The relay as an endpoint of the lab, on real sockets: the course's UDP and TCP programs talk
// through it, and what it does shows as events. Each drop, duplicate and delay is an event of its
// own whose count matches the relay's counters; both legs carry their addresses; a fixed seed
// drops the same datagrams again.

import { afterEach, describe, expect, it } from 'vitest'
import type { EndpointConfig } from '../../src/shared/contract'
import type { LabEvent, LabEventOf } from '../../src/shared/events'
import type { RelayStats } from '../../src/shared/relay-events'
import { testLab, type TestLab } from '../helpers/lab'
import { itT, words } from '../helpers/words'
import { eventWords } from '../../src/shared/event-words'

let t: TestLab
afterEach(async () => t?.close())

const udpRelay = (toPort: number, over: Partial<Extract<EndpointConfig, { kind: 'udp-relay' }>> = {}): EndpointConfig => ({
  kind: 'udp-relay',
  address: '127.0.0.1',
  port: 0,
  toAddress: '127.0.0.1',
  toPort,
  seed: 17,
  c2s: {},
  s2c: {},
  ...over
})

const of = <K extends LabEvent['kind']>(events: LabEvent[], id: string, kind: K): LabEventOf<K>[] => events.filter((e) => e.endpoint === id && e.kind === kind) as unknown as LabEventOf<K>[]

async function stoppedStats(id: string): Promise<RelayStats> {
  await t.lab.stop(id)
  const e = (await t.waitForEvent((x) => x.endpoint === id && x.kind === 'relay' && x.detail.what === 'stopped')) as LabEventOf<'relay'>
  return (e.detail as { stats: RelayStats }).stats
}

/** Sends `count` exchanges through the relay from one course client; returns how many got a reply. */
async function exchanges(clientId: string, count: number): Promise<number> {
  let replies = 0
  for (let i = 0; i < count; i++) {
    const r = await t.lab.send(clientId, `ping ${i}`).catch(() => undefined)
    if (r && 'reply' in r && r.reply) replies++
  }
  return replies
}

describe('UDP relay endpoint', () => {
  it('forwards both ways on two legs: recv and send events carry each leg\'s addresses', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    const relay = await t.start(udpRelay(server.local!.port))
    expect(relay.id).toMatch(/^udp-relay-\d+$/)
    const c = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: relay.local!.port, recvSize: 2048, timeoutMs: 2000 })
    await expect(t.lab.send(c.id, 'through the relay')).resolves.toMatchObject({ reply: 'THROUGH THE RELAY' })
    const listening = of(t.events, relay.id, 'relay').find((e) => e.detail.what === 'listening')!
    expect(listening.role).toBe('relay')
    expect(words(listening)).toBe(`relay (UDP) on 127.0.0.1:${relay.local!.port}, forwarding to the server 127.0.0.1:${server.local!.port}, seed 17`)
    const clientSend = of(t.events, c.id, 'send')[0]
    const recvs = of(t.events, relay.id, 'recv')
    const sends = of(t.events, relay.id, 'send')
    expect(recvs).toHaveLength(2)
    expect(sends).toHaveLength(2)
    // client → relay leg: the relay's recv is the client's send seen from the other end.
    expect(recvs[0].local).toEqual(relay.local)
    expect(recvs[0].remote).toEqual(clientSend.local)
    // relay → server leg: the relay's send reaches the server from the relay's own socket.
    const serverRecv = of(t.events, server.id, 'recv')[0]
    expect(sends[0].remote).toEqual(server.local)
    expect(sends[0].local?.port).toBe(serverRecv.remote?.port)
    // The reply: in on the server leg, out on the client leg.
    expect(recvs[1].remote).toEqual(server.local)
    expect(sends[1].local).toEqual(relay.local)
    expect(sends[1].remote).toEqual(clientSend.local)
  })

  it('s2c loss 100%: the reply is dropped, the drop is a row of its own, and the client times out', async () => {
    t = testLab()
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    const relay = await t.start(udpRelay(server.local!.port, { s2c: { loss: 100 } }))
    const c = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: relay.local!.port, recvSize: 2048, timeoutMs: 500 })
    await expect(t.lab.send(c.id, 'lost reply')).rejects.toBeTruthy()
    const drop = await t.waitForEvent((e) => e.endpoint === relay.id && e.kind === 'drop')
    expect(drop).toMatchObject({ role: 'relay', proto: 'UDP', length: 10, detail: { dir: 's2c', flow: 1, n: 1, bytes: 10, seed: 17, unit: 'datagram' } })
    expect(drop.remote).toEqual(server.local)
    expect(words(drop)).toBe('server → client #1: datagram 1 (10 B) dropped on purpose, seed 17')
    expect(eventWords(drop, itT)).toBe('server → client #1: datagramma 1 (10 B) perso di proposito, seed 17')
    const timeout = await t.waitForEvent((e) => e.endpoint === c.id && e.kind === 'error')
    expect(timeout.code).toBe('ETIMEDOUT')
    expect(words(timeout)).toMatch(new RegExp(`^no reply from .*${relay.local!.port}.* within 0.5 s`))
    const stats = await stoppedStats(relay.id)
    expect(stats.s2c.dropped).toBe(1)
    expect(stats.c2s.forwarded).toBe(1)
  })

  it('drop, duplicate and delay rows match the counters, and the same seed drops the same datagrams', async () => {
    const run = async (): Promise<{ drops: string[]; stats: RelayStats; rows: Record<'drop' | 'duplicate' | 'delay', number> }> => {
      t = testLab()
      const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
      const relay = await t.start(udpRelay(server.local!.port, { seed: 4242, c2s: { loss: 30, duplicate: 20, delay: 5, jitter: 2 }, s2c: { loss: 20, delay: 3 } }))
      const c = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: relay.local!.port, recvSize: 2048, timeoutMs: 150 })
      await exchanges(c.id, 40)
      const stats = await stoppedStats(relay.id)
      const drops = of(t.events, relay.id, 'drop').map((e) => `${e.detail.dir} ${e.detail.n}`)
      const rows = { drop: of(t.events, relay.id, 'drop').length, duplicate: of(t.events, relay.id, 'duplicate').length, delay: of(t.events, relay.id, 'delay').length }
      await t.close()
      return { drops, stats, rows }
    }
    const a = await run()
    expect(a.rows.drop).toBe(a.stats.c2s.dropped + a.stats.s2c.dropped)
    expect(a.rows.duplicate).toBe(a.stats.c2s.duplicated + a.stats.s2c.duplicated)
    expect(a.rows.delay).toBe(a.stats.c2s.delayed + a.stats.s2c.delayed)
    // 40 datagrams at 30% loss: some lost, not all (a fixed seed: the same each run).
    expect(a.stats.c2s.dropped).toBeGreaterThan(4)
    expect(a.stats.c2s.dropped).toBeLessThan(24)
    expect(a.rows.duplicate).toBeGreaterThan(0)
    const b = await run()
    // The client's datagrams are the same 40 each run: the same ones are dropped on the way in.
    expect(b.drops.filter((d) => d.startsWith('c2s'))).toEqual(a.drops.filter((d) => d.startsWith('c2s')))
  })
})

describe('TCP relay endpoint', () => {
  it('relays a course exchange with a delay per read, the delay rows matching the counters, on two connections matched by flow', async () => {
    t = testLab()
    const server = await t.start({ kind: 'tcp-server', address: '127.0.0.1', port: 0, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    const relay = await t.start({ kind: 'tcp-relay', address: '127.0.0.1', port: 0, toAddress: '127.0.0.1', toPort: server.local!.port, seed: 5, c2s: { delay: 20 }, s2c: { delay: 20 } })
    const c = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port: relay.local!.port, recvSize: 1024, timeoutMs: 3000 })
    await expect(t.lab.send(c.id, 'slow but sure')).resolves.toMatchObject({ reply: 'SLOW BUT SURE' })
    const open = await t.waitForEvent((e) => e.endpoint === relay.id && e.kind === 'relay' && e.detail.what === 'flow-open')
    expect(open.conn).toBe(1)
    const stats = await stoppedStats(relay.id)
    const delays = of(t.events, relay.id, 'delay')
    expect(delays.length).toBe(stats.c2s.delayed + stats.s2c.delayed)
    expect(delays.length).toBeGreaterThanOrEqual(2)
    expect(delays.every((d) => d.detail.unit === 'read' && d.detail.delayMs >= 19 && d.conn === 1)).toBe(true)
    expect(words(delays[0])).toMatch(/^client → server #1: read 1 \(13 B\) held [\d.]+ ms$/)
    const sends = of(t.events, relay.id, 'send')
    // The client's bytes go on to the server from the relay's own socket, on connection 1.
    expect(sends.find((e) => e.remote?.port === server.local!.port)).toMatchObject({ conn: 1, length: 13 })
  })
})
