// Peers for the relay's tests: a UDP echo server that keeps the order datagrams came in, a TCP
// server that keeps every byte and every read, and small waits.

import dgram from 'node:dgram'
import net from 'node:net'
import type { Relay, RelayRecord } from '../../src/engine/relay'

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface UdpEcho {
  port: number
  /** The sequence numbers received, in arrival order. */
  seqs: number[]
  close(): Promise<void>
}

/** Echoes every datagram back as it is, and keeps the number each carries (`seq N`). */
export async function udpEcho(address: string): Promise<UdpEcho> {
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4')
  const seqs: number[] = []
  socket.on('message', (msg, rinfo) => {
    seqs.push(Number(/seq (\d+)/.exec(msg.toString())?.[1] ?? -1))
    socket.send(msg, rinfo.port, rinfo.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, address, resolve))
  return { port: socket.address().port, seqs, close: () => new Promise((r) => socket.close(() => r())) }
}

export interface UdpPeer {
  socket: dgram.Socket
  /** Sequence numbers of the replies, in arrival order. */
  replies: number[]
  /** Sends `seq 1` … `seq count`, a few at a time, so that no socket buffer overflows on the way. */
  sendMany(count: number, port: number, batch?: number): Promise<void>
  close(): Promise<void>
}

export async function udpPeer(address: string): Promise<UdpPeer> {
  const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4')
  const replies: number[] = []
  socket.on('message', (msg) => replies.push(Number(/seq (\d+)/.exec(msg.toString())?.[1] ?? -1)))
  await new Promise<void>((resolve) => socket.bind(0, address, resolve))
  return {
    socket,
    replies,
    async sendMany(count, port, batch = 25) {
      for (let i = 1; i <= count; i++) {
        socket.send(`seq ${i} ${'x'.repeat(20)}`, port, address)
        if (i % batch === 0) await sleep(5)
      }
    },
    close: () => new Promise((r) => socket.close(() => r()))
  }
}

/** Waits until `check` holds (polling), or fails after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** Every record a relay emits, from now on. */
export function recordsOf(relay: Relay): RelayRecord[] {
  const records: RelayRecord[] = []
  relay.on('record', (r) => records.push(r))
  return records
}

/** Arrival positions where a datagram came after one with a higher number: each is one overtaking. */
export function displaced(seqs: number[]): number {
  let max = -Infinity
  let count = 0
  for (const s of seqs) {
    if (s < max) count++
    else max = s
  }
  return count
}

export interface TcpSink {
  port: number
  /** Per connection: the bytes read, and the size of each read. */
  conns: { bytes: Buffer[]; reads: number[]; ended: boolean; error?: string; socket: net.Socket }[]
  close(): Promise<void>
}

/** A TCP server that reads everything; with `echo`, also writes it back, and ends when the client ends. */
export async function tcpSink(address: string, echo = false): Promise<TcpSink> {
  const conns: TcpSink['conns'] = []
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const c: TcpSink['conns'][number] = { bytes: [], reads: [], ended: false, socket }
    conns.push(c)
    socket.on('data', (d) => {
      c.bytes.push(d)
      c.reads.push(d.length)
      if (echo) socket.write(d)
    })
    socket.on('end', () => {
      c.ended = true
      socket.end()
    })
    socket.on('error', (err: NodeJS.ErrnoException) => (c.error = err.code))
  })
  await new Promise<void>((resolve) => server.listen(0, address, resolve))
  return {
    port: (server.address() as net.AddressInfo).port,
    conns,
    close: () =>
      new Promise((r) => {
        for (const c of conns) c.socket.destroy()
        server.close(() => r())
      })
  }
}

export function connect(address: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: address, port, allowHalfOpen: true }, () => resolve(s))
    s.once('error', reject)
  })
}
