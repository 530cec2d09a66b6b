// The Lab keeps the console each endpoint speaks in, as the window that started it said, while it
// runs and for a while after it stopped (a reload places the lines still in the ring with it).

import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Lab } from '../src/engine/lab'
import { StoppedEndpoints } from '../src/engine/stopped-endpoints'
import type { ClientConfig } from '../src/shared/contract'

const udpClient: ClientConfig = { kind: 'udp-client', address: '127.0.0.1', port: 12000, recvSize: 2048, timeoutMs: 1000 }
let lab: Lab | undefined

afterEach(async () => {
  await lab?.stopAll()
})

describe('the Lab and consoles', () => {
  it('reports the console of a running endpoint, and of a stopped one, oldest stop first', async () => {
    lab = new Lab()
    const a = await lab.start(udpClient, 'udp:client:2')
    const b = await lab.start(udpClient)
    expect(lab.list()).toEqual([expect.objectContaining({ id: a.id, console: 'udp:client:2' }), expect.not.objectContaining({ console: expect.anything() })])
    await lab.stop(b.id)
    await lab.stop(a.id)
    // With what each was started with: a window shows a stopped client's tab with the fields it used.
    expect(lab.stopped()).toEqual([
      { id: b.id, config: udpClient },
      { id: a.id, console: 'udp:client:2', config: udpClient }
    ])
  })

  it('says a client stopped while its call was under way was in a call (the student cancelled its wait)', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => undefined).resume())
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      lab = new Lab()
      const port = (silent.address() as net.AddressInfo).port
      const c = await lab.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 30_000 }, 'tcp:client:2')
      const sending = lab.send(c.id, 'anyone?').catch(() => undefined)
      await expect.poll(() => lab!.list()[0]?.client?.now).toBe('waiting')
      await lab.stop(c.id)
      await sending
      expect(lab.stopped()).toEqual([{ id: c.id, console: 'tcp:client:2', inCall: true, config: c.config }])
    } finally {
      silent.close()
    }
  })

  it('refuses a console of another lab or role, and starts nothing', async () => {
    lab = new Lab()
    await expect(lab.start(udpClient, 'tcp:client:1')).rejects.toThrow(/does not speak in console/)
    await expect(lab.start(udpClient, 'udp:server')).rejects.toThrow(/does not speak in console/)
    expect(lab.list()).toEqual([])
  })
})

describe('StoppedEndpoints', () => {
  it('keeps only the newest stops, oldest first', () => {
    const kept = new StoppedEndpoints(3)
    for (let n = 1; n <= 5; n++) kept.add({ id: `udp-client-${n}`, console: `udp:client:${n}` })
    expect(kept.list().map((s) => s.id)).toEqual(['udp-client-3', 'udp-client-4', 'udp-client-5'])
  })
})
