// The kernel-state reader on connections this test makes on loopback, and the course's iterative
// server for the backlog.

import { createI18n } from '../../src/shared/i18n/i18n'
import { say } from '../../src/shared/i18n/said'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeAddress, parseProcNetTcp, readKernelTcp } from '../../src/engine/capture/kernel-tcp-state'
import type { KernelSocket } from '../../src/shared/kernel-tcp'
import { freePort, python, type Running } from '../helpers/processes'

const en = createI18n('en').t
const it_ = createI18n('it').t
const linux = process.platform === 'linux'
if (!linux) console.warn(`kernel TCP state tests skipped: ${process.platform} has no /proc/net/tcp`)

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

async function sockets(port: number): Promise<KernelSocket[]> {
  const r = await readKernelTcp([port])
  if (!r.exposed) throw new Error(say(en, r.reason))
  return r.sockets
}

/** Reads until `pick` finds what it wants (the kernel moves states on its own time), up to `ms`. */
async function until<T>(port: number, pick: (s: KernelSocket[]) => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const found = pick(await sockets(port))
    if (found !== undefined) return found
    if (Date.now() > end) throw new Error(`not seen in time; sockets on ${port}:\n${JSON.stringify(await sockets(port), null, 1)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

async function listen(host: string, onConnection: (s: net.Socket) => void = () => {}): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer(onConnection)
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  cleanups.push(() => server.close())
  return { server, port: (server.address() as net.AddressInfo).port }
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => resolve(s)).on('error', reject)
    cleanups.push(() => s.destroy())
  })
}

describe.skipIf(!linux)('kernel TCP states from /proc/net/tcp and tcp6, real loopback sockets', () => {
  it.each([
    ['127.0.0.1', 'IPv4'],
    ['::1', 'IPv6']
  ] as const)('a listening socket on %s shows LISTEN with its address and no backlog', async (host, family) => {
    const { port } = await listen(host)
    const found = await sockets(port)
    expect(found).toEqual([expect.objectContaining({ state: 'LISTEN', local: { address: host, port, family }, recvQueue: 0 })])
    expect(found[0].remote.port).toBe(0)
  })

  it('a connection shows ESTABLISHED on both ends, with the 4-tuple each end sees', async () => {
    const { port } = await listen('127.0.0.1')
    const client = await connect('127.0.0.1', port)
    const cport = client.localPort!
    const ends = await until(port, (s) => {
      const e = s.filter((x) => x.state === 'ESTABLISHED')
      return e.length === 2 ? e : undefined
    })
    expect(ends).toContainEqual(expect.objectContaining({ local: { address: '127.0.0.1', port: cport, family: 'IPv4' }, remote: { address: '127.0.0.1', port, family: 'IPv4' } }))
    expect(ends).toContainEqual(expect.objectContaining({ local: { address: '127.0.0.1', port, family: 'IPv4' }, remote: { address: '127.0.0.1', port: cport, family: 'IPv4' } }))
  })

  it.each([['127.0.0.1'], ['::1']])('over %s: the side that closes first ends in TIME_WAIT, the other side goes away', async (host) => {
    const { port } = await listen(host, (s) => s.resume())
    const client = await connect(host, port)
    const cport = client.localPort!
    client.end()
    await new Promise((r) => client.once('close', r))
    const tw = await until(port, (s) => s.find((x) => x.local.port === cport && x.state === 'TIME_WAIT'))
    expect(tw.remote).toEqual({ address: host, port, family: host === '::1' ? 'IPv6' : 'IPv4' })
    expect(tw.inode).toBe(0)
    // The server's end (LAST_ACK at most for an instant) is gone once the last ACK arrived.
    await until(port, (s) => (s.some((x) => x.local.port === port && x.remote.port === cport) ? undefined : true))
  })

  it('a half-closed connection: FIN_WAIT2 on the side that closed, CLOSE_WAIT on the side that has not yet', async () => {
    let serverSide: net.Socket | undefined
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      serverSide = s
      s.resume()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => (serverSide?.destroy(), server.close()))
    const port = (server.address() as net.AddressInfo).port
    const client = await connect('127.0.0.1', port)
    const cport = client.localPort!
    client.end()
    const [closer, waiter] = await until(port, (s) => {
      const c = s.find((x) => x.local.port === cport && x.state === 'FIN_WAIT2')
      const w = s.find((x) => x.local.port === port && x.remote.port === cport && x.state === 'CLOSE_WAIT')
      return c && w ? [c, w] : undefined
    })
    expect(closer.remote.port).toBe(port)
    expect(waiter.remote.port).toBe(cport)
  })

  it('the course iterative server: a second client waits in the backlog, ESTABLISHED on the listening port, counted on the listener', async () => {
    const port = await freePort()
    const server: Running = python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
    cleanups.push(() => void server.stop())
    await server.waitFor(/Server waiting on/)
    // The first client is accepted, and the server blocks in recv() on it: it sends nothing.
    const first = await connect('127.0.0.1', port)
    await until(port, (s) => (s.find((x) => x.state === 'LISTEN')?.recvQueue === 0 && s.some((x) => x.local.port === port && x.remote.port === first.localPort) ? true : undefined))
    const second = await connect('127.0.0.1', port)
    const waiting = await until(port, (s) => {
      const listener = s.find((x) => x.state === 'LISTEN')
      const queued = s.find((x) => x.local.port === port && x.remote.port === second.localPort)
      return listener?.recvQueue === 1 && queued ? queued : undefined
    })
    // The kernel finished its handshake: to the client it is connected; the server has not accept()ed it.
    expect(waiting.state).toBe('ESTABLISHED')
    expect(waiting.local).toEqual({ address: '127.0.0.1', port, family: 'IPv4' })
  })

  it('only the sockets on the given ports', async () => {
    const a = await listen('127.0.0.1')
    const b = await listen('127.0.0.1')
    const r = await readKernelTcp([a.port])
    if (!r.exposed) throw new Error('not exposed')
    // A row is on a port when either end is: a client of the lab's server is. (Other tests' sockets
    // may hold a.port as their remote end: ephemeral port numbers come round again.)
    expect(r.sockets.every((s) => s.local.port === a.port || s.remote.port === a.port)).toBe(true)
    expect(r.sockets.filter((s) => s.state === 'LISTEN').map((s) => s.local.port)).toEqual([a.port])
    expect(r.sockets.some((s) => s.local.port === b.port || s.remote.port === b.port)).toBe(false)
  })
})

describe('kernel TCP state, pure parts', () => {
  it('addresses in either byte order, IPv4-mapped IPv6 shown as IPv4', () => {
    expect(decodeAddress('0100007F', true)).toEqual({ address: '127.0.0.1', family: 'IPv4' })
    expect(decodeAddress('7F000001', false)).toEqual({ address: '127.0.0.1', family: 'IPv4' })
    expect(decodeAddress('00000000000000000000000001000000', true)).toEqual({ address: '::1', family: 'IPv6' })
    expect(decodeAddress('00000000000000000000000000000001', false)).toEqual({ address: '::1', family: 'IPv6' })
    expect(decodeAddress('0000000000000000FFFF00000100007F', true)).toEqual({ address: '127.0.0.1', family: 'IPv4' })
    expect(decodeAddress('B80D0120000000000000000001000000', true)).toEqual({ address: '2001:db8::1', family: 'IPv6' })
  })

  it('a header, unknown states and short lines are skipped', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:2EE0 00000000:0000 0A 00000000:00000002 00:00000000 00000000  1000        0 27416 1 0 100 0 0 10 0',
      '   1: 0100007F:2EE0 0100007F:9C40 63 00000000:00000000 00:00000000 00000000     0        0 0 3 0',
      '   2: garbage'
    ].join('\n')
    expect(parseProcNetTcp(text, true)).toEqual([
      { local: { address: '127.0.0.1', port: 12000, family: 'IPv4' }, remote: { address: '0.0.0.0', port: 0, family: 'IPv4' }, state: 'LISTEN', recvQueue: 2, sendQueue: 0, uid: 1000, inode: 27416 }
    ])
  })

  it('with ports: only the sockets with a local or remote port among them, the same as parsing all and filtering', () => {
    const text = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:2EE0 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 27416 1 0 100 0 0 10 0',
      '   1: 00000000000000000000000001000000:9C40 00000000000000000000000001000000:2EE0 01 00000000:00000000 00:00000000 00000000  1000        0 27417 1 0 20 4 30 10 -1',
      '   2: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:9C41 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0',
      '12345: 0100007F:9C42 0100007F:2EE0 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0',
      '   4: garbage 2EE0'
    ].join('\n')
    const all = parseProcNetTcp(text, true)
    expect(all.map((s) => s.inode)).toEqual([27416, 27417, 0, 0])
    const ours = (p: number[]): number[][] => parseProcNetTcp(text, true, new Set(p)).map((s) => [s.local.port, s.remote.port])
    expect(ours([12000])).toEqual([
      [12000, 0],
      [40000, 12000],
      [40002, 12000]
    ])
    expect(ours([40001])).toEqual([[8080, 40001]])
    expect(ours([1])).toEqual([])
  })

  it('other systems: not exposed, with the reason', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const r = await readKernelTcp([12000], platform)
      expect(r.exposed).toBe(false)
      expect(!r.exposed && say(en, r.reason)).toMatch(platform === 'darwin' ? /^macOS does not expose/ : /^Windows does not expose/)
      expect(!r.exposed && say(it_, r.reason)).toMatch(platform === 'darwin' ? /^macOS non mostra/ : /^Windows non mostra/)
    }
  })
})
