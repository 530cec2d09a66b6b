// socklab as the client, against the student's TCP or UDP server: plain sockets, so that each
// item controls what is sent and when, and sees every byte that comes back, the connection's
// end (FIN or reset) and the port's refusal.

import dgram from 'node:dgram'
import net from 'node:net'
import { formatTuple } from '../shared/events'
import { said, type Said } from '../shared/i18n/said'
import type { ItemOf } from './cases'
import { bad, bytesSaid, compareReply, expectedReply, ok, payloadBytes, quoted, type Verdict } from './result'

export interface ServerTarget {
  host: string
  port: number
  /** --concurrent: a silent client must not make the next one wait. */
  concurrent: boolean
  /** socklab started the server itself: a refused connection is retried while it starts. */
  started: boolean
}

export const place = (t: { host: string; port: number }): string => formatTuple(t.host, t.port)

/** A TCP connection that keeps what comes back and how it ended. */
export class TcpConn {
  readonly socket: net.Socket
  private readonly chunks: Buffer[] = []
  ended?: 'fin' | 'reset'
  /** Why it could not connect (ECONNREFUSED …), or undefined once connected. */
  readonly connected: Promise<string | undefined>
  private wake?: () => void

  constructor(host: string, port: number, connectMs: number) {
    this.socket = net.connect({ host, port })
    this.socket.on('data', (d: Buffer) => {
      this.chunks.push(d)
      this.wake?.()
    })
    this.socket.on('end', () => {
      this.ended ??= 'fin'
      this.wake?.()
    })
    this.connected = new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy()
        resolve('ETIMEDOUT')
      }, connectMs)
      this.socket.once('connect', () => {
        clearTimeout(timer)
        resolve(undefined)
      })
      this.socket.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        if (this.socket.connecting || this.socket.pending) resolve(e.code ?? e.message)
        else this.ended ??= 'reset'
        this.wake?.()
      })
    })
  }

  get data(): Buffer {
    return Buffer.concat(this.chunks)
  }

  /**
   * Waits for the reply: until the server closes (FIN or reset), or `expectLen` bytes came and
   * nothing more for a moment, or some bytes came and nothing more for `quietMs`, or `ms` passed.
   */
  waitReply(ms: number, expectLen?: number, quietMs = 500): Promise<void> {
    return new Promise((resolve) => {
      let quiet: NodeJS.Timeout | undefined
      const finish = (): void => {
        clearTimeout(all)
        clearTimeout(quiet)
        this.wake = undefined
        resolve()
      }
      const all = setTimeout(finish, ms)
      this.wake = (): void => {
        if (this.ended || this.socket.destroyed) return finish()
        const n = this.data.length
        if (n === 0) return
        clearTimeout(quiet)
        quiet = setTimeout(finish, expectLen !== undefined && n >= expectLen ? 200 : quietMs)
      }
      this.wake()
    })
  }

  close(): void {
    this.socket.end()
  }

  destroy(): void {
    this.socket.destroy()
  }
}

/** A connection, retried while a server socklab started is not listening yet. */
async function connect(t: ServerTarget, ms: number): Promise<{ conn: TcpConn } | { failed: Said }> {
  const until = Date.now() + ms
  for (;;) {
    const left = Math.max(100, until - Date.now())
    const conn = new TcpConn(t.host, t.port, left)
    const problem = await conn.connected
    if (problem === undefined) return { conn }
    conn.destroy()
    if (problem === 'ECONNREFUSED' && t.started && Date.now() + 200 < until) {
      await new Promise((r) => setTimeout(r, 200))
      continue
    }
    return { failed: connectFailure(problem, t, ms) }
  }
}

export function connectFailure(code: string, t: { host: string; port: number }, ms: number): Said {
  if (code === 'ECONNREFUSED') return said('check:saw.refused', { place: place(t) })
  if (code === 'ETIMEDOUT') return said('check:saw.connectTimeout', { ms })
  return said('check:saw.connectError', { place: place(t), code })
}

const endSaid = (c: TcpConn, ms: number): Said => (c.ended === 'reset' ? said('check:saw.resetNoReply') : c.ended === 'fin' ? said('check:saw.closedNoReply') : said('check:saw.noReply', { ms }))

export async function tcpServerItem(item: ItemOf<'tcp-server'>, t: ServerTarget, ms: number): Promise<Verdict> {
  const p = item.probe
  if (p.kind === 'connect') {
    const r = await connect(t, ms)
    if ('failed' in r) return bad(said('check:expect.accepts', { place: place(t) }), r.failed)
    r.conn.destroy()
    return ok()
  }
  if (p.kind === 'answers') {
    const r = await connect(t, ms)
    if ('failed' in r) return bad(said('check:expect.answers'), r.failed)
    const c = r.conn
    c.socket.write(payloadBytes(p.send))
    await c.waitReply(ms)
    c.destroy()
    return c.data.length > 0 ? ok() : bad(said('check:expect.answers'), endSaid(c, ms))
  }
  if (p.kind === 'exchange') {
    const sends = p.sends ?? [p.send]
    for (const [n, s] of sends.entries()) {
      const r = await connect(t, ms)
      const sent = payloadBytes(s)
      const want = expectedReply(p.expect.reply, sent, p.expect.limit)
      const who = (x: Said): Said => (sends.length > 1 ? said('check:data.client', { n: n + 1, what: x }) : x)
      if ('failed' in r) return bad(who(bytesSaid(want)), r.failed)
      const c = r.conn
      c.socket.write(sent)
      await c.waitReply(ms, want.length)
      c.destroy()
      const got = c.data
      if (got.length === 0) return bad(who(bytesSaid(want)), endSaid(c, ms))
      const v = compareReply(want, got)
      if (!v.pass) return bad(who(v.expected!), v.saw!)
    }
    return ok()
  }
  // A silent client, then one that speaks.
  const first = await connect(t, ms)
  if ('failed' in first) return bad(said('check:expect.accepts', { place: place(t) }), first.failed)
  const second = await connect(t, ms)
  if ('failed' in second) {
    first.conn.destroy()
    return bad(said('check:expect.accepts', { place: place(t) }), second.failed)
  }
  const sent = payloadBytes(p.send)
  const want = expectedReply('upper', sent)
  second.conn.socket.write(sent)
  await second.conn.waitReply(p.waitMs, want.length)
  const atOnce = second.conn.data.length > 0
  first.conn.close()
  if (!atOnce) await second.conn.waitReply(ms, want.length)
  first.conn.destroy()
  second.conn.destroy()
  const got = second.conn.data
  if (got.length === 0) return bad(said('check:expect.servedAfterSilent'), said('check:saw.neverServed', { ms: p.waitMs + ms }))
  const v = compareReply(want, got)
  if (!v.pass) return v
  if (atOnce) return ok(said('check:note.concurrent'))
  if (t.concurrent) return bad(said('check:expect.servedWhileSilent', { ms: p.waitMs }), said('check:saw.waitedForSilent'))
  return ok(said('check:note.iterative'))
}

/** One datagram out of a new socket, and the first datagram back (resent every 300 ms while a server socklab started may still be starting). */
async function datagram(t: ServerTarget, sent: Buffer, ms: number): Promise<{ reply?: Buffer; from?: string; problem?: Said }> {
  const type = net.isIPv6(t.host) ? 'udp6' : 'udp4'
  const socket = dgram.createSocket({ type })
  try {
    return await new Promise((resolve) => {
      let resend: NodeJS.Timeout | undefined
      const finish = (r: { reply?: Buffer; from?: string; problem?: Said }): void => {
        clearTimeout(timer)
        clearInterval(resend)
        resolve(r)
      }
      const timer = setTimeout(() => finish({ problem: said('check:saw.noReply', { ms }) }), ms)
      socket.on('message', (msg, rinfo) => finish({ reply: msg, from: formatTuple(rinfo.address, rinfo.port) }))
      socket.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ECONNREFUSED' && t.started) return
        finish({ problem: e.code === 'ECONNREFUSED' ? said('check:saw.portUnreachable', { place: place(t) }) : said('check:saw.connectError', { place: place(t), code: e.code ?? e.message }) })
      })
      // Connected, so that the port's refusal (ICMP) comes back as an error.
      socket.connect(t.port, t.host, () => {
        socket.send(sent)
        if (t.started) resend = setInterval(() => socket.send(sent), 300)
      })
    })
  } finally {
    socket.close()
  }
}

export async function udpServerItem(item: ItemOf<'udp-server'>, t: ServerTarget, ms: number): Promise<Verdict> {
  const p = item.probe
  const sent = payloadBytes(p.send)
  if (p.kind === 'answers') {
    const r = await datagram(t, sent, ms)
    return r.reply ? ok() : bad(said('check:expect.answersDatagram'), r.problem!)
  }
  for (let n = 0; n < p.clients; n++) {
    const want = expectedReply(p.expect.reply, sent, p.expect.limit)
    const r = await datagram(t, sent, ms)
    const who = (x: Said): Said => (p.clients > 1 ? said('check:data.client', { n: n + 1, what: x }) : x)
    if (!r.reply) return bad(who(bytesSaid(want)), r.problem!)
    const v = compareReply(want, r.reply)
    if (!v.pass) return bad(who(v.expected!), v.saw!)
  }
  return ok()
}

export { quoted }
