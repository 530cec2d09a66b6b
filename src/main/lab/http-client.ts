// The course's HTTP client: parse a URL, open a TCP connection, send a raw `GET path HTTP/1.0`,
// and read the reply. It reads until the server closes; `recvOnce` reproduces the course's single
// recv(1500), which truncates any reply longer than that.

import net from 'node:net'
import type { HttpClientConfig, SendResult } from '../../shared/contract'
import { formatSockAddr, formatTuple } from '../../shared/events'
import type { Endpoint, Reporter } from './endpoint'
import { sockAddr } from './endpoint'
import { explainError, LabError } from './errors'
import { resolveHost } from './net-util'
import { parseCourseUrl } from './url'

/** The course client's buffer size for its one recv(). */
export const COURSE_RECV_SIZE = 1500

export class HttpClient implements Endpoint {
  private readonly sockets = new Set<net.Socket>()
  private connections = 0
  private stopped = false

  constructor(
    readonly id: string,
    readonly config: HttpClientConfig,
    private readonly report: Reporter
  ) {}

  async start(): Promise<undefined> {
    return undefined
  }

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
    if ('error' in url) {
      this.report.error(url.error, undefined, { conn })
      throw new LabError(url.error)
    }
    const { host, port, path } = url
    this.report.console(`Connecting to server at ${formatTuple(host, port)} `, conn)
    let socket: net.Socket | undefined
    try {
      const target = await resolveHost(host, url.literal ? undefined : this.config.family)
      socket = net.connect({ host: target.address, port })
      this.sockets.add(socket)
      await new Promise<void>((resolve, reject) => {
        socket!.once('connect', resolve)
        socket!.once('error', reject)
        socket!.once('close', () => reject(stoppedError(this.id)))
      })
      const local = sockAddr(socket.localAddress, socket.localPort)
      const remote = sockAddr(socket.remoteAddress, socket.remotePort)
      this.report.event('connect', { conn, local, remote, info: `connected from ${local ? formatSockAddr(local) : '?'}` })
      const request = `GET ${path} HTTP/1.0\r\n\r\n`
      this.report.console(request, conn)
      const bytes = Buffer.from(request, 'ascii')
      socket.write(bytes)
      this.report.data('send', bytes, { conn, local, remote, info: `GET ${path} HTTP/1.0 (write to the stream)` })
      this.report.console('Waiting for response ... ', conn)
      const reads = await readReply(socket, this.config.recvOnce, () => stoppedError(this.id), (chunk, n) =>
        this.report.data('recv', chunk, { conn, local, remote, info: n === 1 ? firstLine(chunk) : `read #${n} of the stream` })
      )
      const reply = Buffer.concat(reads.chunks)
      const unshown = reads.total - reply.length
      this.report.console('received', conn)
      this.report.console('Response:', conn)
      this.report.console(reply.toString('latin1') + (unshown > 0 ? `\n… (${unshown} more bytes received, not shown)` : ''), conn)
      const how = this.config.recvOnce
        ? `one recv(${COURSE_RECV_SIZE}) as in the course: ${reads.total} bytes${reads.more ? ', the rest of the reply was not read' : ''}`
        : `${reads.reads} recv() call${reads.reads === 1 ? '' : 's'} until the server closed, ${reads.total} bytes`
      this.report.console(`Reply read in ${how}`, conn)
      this.report.event('close', { conn, local, remote, info: 'connection closed by the client' })
      return { reply: reply.toString('latin1'), length: reads.total }
    } catch (err) {
      const e = explainError(err, { address: host, port, action: 'connect to' })
      if (this.stopped) this.report.event('close', { conn, info: 'connection closed: the client stopped waiting for the reply' })
      else this.report.error(e.message, e.code, { conn })
      throw e
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
  /** recvOnce only: the server had more to say than the one read took. */
  more: boolean
  /** recv() calls made, and bytes received in all. */
  reads: number
  total: number
}

/** Bytes of a reply printed and returned; the rest is counted, not kept. */
export const REPLY_SHOWN_MAX = 1024 * 1024

const stoppedError = (id: string): LabError => new LabError(`${id} was stopped: it no longer waits for a reply`)

/** Reads the reply; a socket closed under it (the endpoint stopped) rejects with `closed()`. */
function readReply(socket: net.Socket, once: boolean, closed: () => Error, onRead: (chunk: Buffer, n: number) => void): Promise<Reads> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let reads = 0
    let kept = 0
    let total = 0
    socket.on('data', (chunk: Buffer) => {
      if (once) {
        const taken = chunk.subarray(0, COURSE_RECV_SIZE)
        chunks.push(taken)
        onRead(taken, 1)
        socket.removeAllListeners('data')
        socket.pause()
        resolve({ chunks, more: chunk.length > taken.length, reads: 1, total: taken.length })
        return
      }
      reads++
      total += chunk.length
      // Keep what a console can show; count the rest (a big download must not fill memory).
      if (kept < REPLY_SHOWN_MAX) {
        const part = chunk.subarray(0, REPLY_SHOWN_MAX - kept)
        chunks.push(part)
        kept += part.length
      }
      onRead(chunk, reads)
    })
    socket.once('end', () => resolve({ chunks, more: false, reads, total }))
    socket.once('error', reject)
    // Settled already if the reply ended first; otherwise the socket was destroyed mid-reply.
    socket.once('close', () => reject(closed()))
  })
}

function firstLine(chunk: Buffer): string {
  const text = chunk.subarray(0, 200).toString('latin1')
  const end = text.indexOf('\r\n')
  return end >= 0 ? text.slice(0, end) : `read of ${chunk.length} bytes`
}
