// The ring holds one copy of each repeated detail and address (engine/event-interner.ts): a flood of
// one client's datagrams makes thousands of equal values, and the ring's 50,000 events held a copy each.

import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { EventInterner } from '../src/engine/event-interner'
import { Lab } from '../src/engine/lab'
import type { LabEvent } from '../src/shared/events'
import { freePort } from './helpers/processes'

let lab: Lab | undefined
afterEach(async () => {
  await lab?.stopAll()
  lab = undefined
})

/** A UDP server in a Lab answering `count` datagrams from each of `clients` sockets, in turn. */
async function udpExchange(clients: number, count: number): Promise<LabEvent[]> {
  lab = new Lab()
  const port = await freePort()
  await lab.start({ kind: 'udp-server', address: '127.0.0.1', port, recvSize: 2048 })
  const sockets = await Promise.all(
    Array.from({ length: clients }, async () => {
      const s = dgram.createSocket('udp4')
      await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
      return s
    })
  )
  for (let i = 0; i < count; i++) {
    for (const s of sockets) {
      s.send(`hello ${i}`, port, '127.0.0.1')
      await new Promise((resolve) => s.once('message', resolve))
    }
  }
  for (const s of sockets) s.close()
  return lab.history()
}

describe('the events the ring holds', () => {
  it('share one copy of each repeated detail and address, and keep apart the ones that differ', async () => {
    const events = await udpExchange(2, 20)
    const recvs = events.filter((e) => e.kind === 'recv')
    const sends = events.filter((e) => e.kind === 'send')
    expect(recvs).toHaveLength(40)
    // Every datagram was read the same way, on the same socket.
    for (const e of recvs) {
      expect(e.detail).toBe(recvs[0].detail)
      expect(e.local).toBe(recvs[0].local)
    }
    // Two peers: two addresses, each held once, and each event names its own peer.
    const peers = new Set(recvs.map((e) => e.remote))
    expect(peers.size).toBe(2)
    for (const [i, e] of recvs.entries()) expect(e.remote).toBe(recvs[i % 2].remote)
    expect(recvs[0].remote!.port).not.toBe(recvs[1].remote!.port)
    // A reply goes to the peer whose datagram it answers: the same copy, and a detail of its own kind.
    for (const [i, e] of sends.entries()) expect(e.remote).toBe(recvs[i].remote)
    expect(sends[0].detail).not.toBe(recvs[0].detail)
    expect(sends[0].detail).toMatchObject({ what: 'bytes' })
  })

  it('keep apart details that differ only by a key left undefined', () => {
    const interner = new EventInterner()
    const event = (detail: LabEvent['detail']): LabEvent => ({ seq: 1, time: 0, endpoint: 'tcp-server-1', role: 'server', proto: 'TCP', kind: 'queued', conn: 2, length: 0, info: 'queued', detail }) as LabEvent
    const failed = event({ code: undefined } as LabEvent['detail'])
    interner.intern(failed)
    for (const detail of [{ queuedAhead: 1 }, { window: { console: 'tcp:server', style: 'note' } }, {}]) {
      const e = event(detail as LabEvent['detail'])
      interner.intern(e)
      expect(e.detail).toBe(detail)
    }
    const again = event({ code: undefined } as LabEvent['detail'])
    interner.intern(again)
    expect(again.detail).toBe(failed.detail)
  })

  it('stay true when more distinct values come than a table keeps (a scan of ports)', () => {
    const interner = new EventInterner()
    const made = (port: number): LabEvent => ({
      seq: port, time: 0, endpoint: 'udp-server-1', role: 'server', proto: 'UDP', kind: 'recv', conn: 0, length: 1,
      local: { address: '127.0.0.1', port: 12000, family: 'IPv4' }, remote: { address: '127.0.0.1', port, family: 'IPv4' },
      info: `datagram from port ${port}`, detail: { what: 'datagram', recvSize: port }
    })
    // Twice over 10,000 ports: the tables start afresh along the way, and no event gets another's values.
    for (let round = 0; round < 2; round++) {
      for (let port = 1024; port < 11024; port++) {
        const e = made(port)
        interner.intern(e)
        expect([e.remote!.port, e.info, e.detail]).toEqual([port, `datagram from port ${port}`, { what: 'datagram', recvSize: port }])
      }
    }
  })
})
