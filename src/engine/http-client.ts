// The course's HTTP client: parse a URL, open a TCP connection, send a raw `GET path HTTP/1.0`,
// and read the reply with recv(1500) until the server closes; `recvOnce` reproduces the course's
// single recv(1500), which truncates any reply longer than that.

import net from 'node:net'
import type { HttpClientConfig, SendResult } from '../shared/contract'
import { formatTuple } from '../shared/events'
import { ClientCore, connected, socketEnds } from './client-core'
import type { EventPlace } from './endpoint'
import { LabError } from './errors'
import { closeNow, resolveHost, unreadAtClose } from './net-util'
import { replyStart, truncationNote } from './http/reply-head'
import { parseCourseUrl } from './url'
import { said } from '../shared/i18n/said'

/** The course client's buffer size for its one recv(). */
export const COURSE_RECV_SIZE = 1500

export class HttpClient extends ClientCore<HttpClientConfig> {
  private readonly sockets = new Set<net.Socket>()
  private connections = 0

  /** Closes every connection, as the student's Cancel asks: a fetch still waiting ends now. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const s of this.sockets) s.destroy()
    this.sockets.clear()
  }

  /** Fetches one URL; the console gets the request, the status line, headers, body and the read count. */
  async send(input: string): Promise<SendResult> {
    const conn = ++this.connections
    const url = parseCourseUrl(input, this.config.family)
    if ('error' in url) throw this.report.failure(new LabError(url.error), { conn })
    const { host, port, path } = url
    this.report.console(`Connecting to server at ${formatTuple(host, port)} `, conn)
    let socket: net.Socket | undefined
    // Where a failure or a Cancel is reported: the connection's two ends once it has them.
    let place: EventPlace = { conn }
    try {
      const target = await resolveHost(host, url.literal ? undefined : this.config.family)
      // Half-open allowed: Node would otherwise send our FIN by itself as the server's arrives; the
      // course's client sends it when it calls close(), and that is when the ladder stamps it.
      socket = net.connect({ host: target.address, port, allowHalfOpen: true })
      this.sockets.add(socket)
      const dialled = performance.now()
      await connected(socket, () => this.stoppedError())
      const fields = { conn, ...socketEnds(socket) }
      place = fields
      // A new TCP socket each time, connected once its handshake is done: the same observation as the TCP client's.
      this.report.event('connect', { ...fields, detail: { handshake: true, waitedUs: Math.round((performance.now() - dialled) * 1000) } })
      const request = `GET ${path} HTTP/1.0\r\n\r\n`
      this.report.console(request, conn)
      const bytes = Buffer.from(request, 'ascii')
      // Stamped as send() is called, before its bytes leave.
      this.report.data('send', bytes, { ...fields, detail: { what: 'request', method: 'GET', target: path, version: 'HTTP/1.0' } })
      socket.write(bytes)
      this.report.console('Waiting for response ... ', conn)
      const read = (piece: Buffer, n: number): void =>
        this.report.data('recv', piece, { ...fields, detail: { what: 'http-read', recvSize: COURSE_RECV_SIZE, read: n, ...(n === 1 ? statusOf(piece) : {}) } })
      // The server's FIN is what ends an HTTP/1.0 reply: the loop's next recv() returns b'', stamped as it does.
      const ended = (n: number, total: number): void =>
        this.report.data('recv', Buffer.alloc(0), { ...fields, detail: { what: 'http-read', recvSize: COURSE_RECV_SIZE, read: n, eof: true, replyBytes: total } })
      const reads = await readReply(socket, this.config.recvOnce, () => this.stoppedError(), read, ended)
      this.report.console('received', conn)
      // The course's close() comes right after "received". After its one recv(1500), what it left
      // unread makes the kernel reset the connection. closeNow() closes the descriptor at once, and
      // the kernel sends the FIN (or RST) then: the call is stamped right before it.
      const reset = reads.serverClosed ? undefined : unreadAtClose(socket, reads.leftover)
      const open = socket
      this.report.call('close', { ...fields, detail: { closedBy: reads.serverClosed ? 'server' : 'client', reason: reads.serverClosed ? 'client-after-server' : 'client-one-recv', reset } }, () => closeNow(open, reset))
      const reply = Buffer.concat(reads.chunks)
      const unshown = reads.total - reply.length
      this.report.console('Response:', conn)
      // The reply decoded as a whole (a character cut between two recv(1500) is joined again), as
      // UTF-8: what the sample pages and any page today declare. Bytes that are not UTF-8 show as U+FFFD.
      const text = reply.toString('utf8')
      this.report.console(text, conn)
      if (unshown > 0) this.report.note(said('http:client.notShown', { count: unshown }), conn)
      // The course's client prints reply.decode('ascii'): any byte above 0x7f stops it there.
      const nonAscii = reply.findIndex((b) => b > 0x7f)
      if (nonAscii >= 0) this.report.note(said('http:client.asciiStop', { error: asciiDecodeError(reply[nonAscii], nonAscii) }), conn)
      this.report.note(
        this.config.recvOnce
          ? said('http:client.readOnce', { recvSize: COURSE_RECV_SIZE, bytes: reads.total, judgement: truncationNote(replyStart(reply), reads.total, COURSE_RECV_SIZE) })
          : said('http:client.readLoop', { recvSize: COURSE_RECV_SIZE, count: reads.reads, bytes: reads.total }),
        conn
      )
      return { reply: text, length: reads.total }
    } catch (err) {
      return this.fail(err, { address: host, port, action: 'connect' }, place)
    } finally {
      if (socket) {
        socket.destroy()
        this.sockets.delete(socket)
      }
    }
  }
}

interface Reads {
  /** The start of the reply, at most REPLY_SHOWN_MAX bytes. */
  chunks: Buffer[]
  /** recv() calls made (in a loop, the last one the b'' of the server's FIN), and bytes received in all. */
  reads: number
  total: number
  /** The server's FIN arrived: it closed first. */
  serverClosed: boolean
  /** Bytes Node read beyond the one recv(1500), left unread. */
  leftover: number
}

/** Bytes of a reply printed and returned; the rest is counted, not kept. */
export const REPLY_SHOWN_MAX = 1024 * 1024

/**
 * The course client's `recv(1500)`, once or in a loop until the server closes. Node hands over
 * whatever arrived, often tens of KiB at a time; each such chunk is cut into the pieces that
 * successive recv(1500) calls would have returned, and those are what is counted and logged.
 * The server's FIN is the loop's last recv(), which returns b'' (`onEnd`). A socket closed under
 * it (the endpoint stopped) rejects with `closed()`.
 */
function readReply(socket: net.Socket, once: boolean, closed: () => Error, onRead: (piece: Buffer, n: number) => void, onEnd: (n: number, total: number) => void): Promise<Reads> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let reads = 0
    let kept = 0
    let total = 0
    const take = (piece: Buffer): void => {
      reads++
      total += piece.length
      // Keep what a console can show; count the rest (a big download must not fill memory).
      if (kept < REPLY_SHOWN_MAX) {
        const part = piece.subarray(0, REPLY_SHOWN_MAX - kept)
        chunks.push(part)
        kept += part.length
      }
      onRead(piece, reads)
    }
    socket.on('data', (chunk: Buffer) => {
      if (once) {
        // One recv() and no more: what else arrived stays unread, as it would in the kernel.
        socket.removeAllListeners('data')
        socket.pause()
        take(chunk.subarray(0, COURSE_RECV_SIZE))
        return resolve({ chunks, reads, total, serverClosed: false, leftover: Math.max(0, chunk.length - COURSE_RECV_SIZE) })
      }
      for (let at = 0; at < chunk.length; at += COURSE_RECV_SIZE) take(chunk.subarray(at, at + COURSE_RECV_SIZE))
    })
    socket.once('end', () => {
      onEnd(++reads, total)
      resolve({ chunks, reads, total, serverClosed: true, leftover: 0 })
    })
    socket.once('error', reject)
    // Settled already if the reply ended first; otherwise the socket was destroyed mid-reply.
    socket.once('close', () => reject(closed()))
  })
}

/** The status line and its code, when the first read holds the whole line. */
function statusOf(chunk: Buffer): { statusLine?: string; status?: number } {
  const text = chunk.subarray(0, 200).toString('latin1')
  const end = text.indexOf('\r\n')
  if (end < 0) return {}
  const statusLine = text.slice(0, end)
  const code = /^HTTP\/\d\.\d (\d{3})(?: |$)/.exec(statusLine)
  return { statusLine, status: code ? Number(code[1]) : undefined }
}

/** Python's own message when reply.decode('ascii') meets a byte above 0x7f (its words: never translated). */
export function asciiDecodeError(byte: number, position: number): string {
  return `UnicodeDecodeError: 'ascii' codec can't decode byte 0x${byte.toString(16).padStart(2, '0')} in position ${position}: ordinal not in range(128)`
}
