// Puts a described response on a connection, the cheapest way for its body: a small body is
// copied behind its head into one buffer (one write), a big one in memory goes with its head in
// one writev (no copy), and a file on disk is streamed in chunks at the pace the client reads.
// Each response is one 'send' event of the log. One writer per server: its chunk buffers and its
// count of queued download bytes are that server's own.

import type net from 'node:net'
import { PREVIEW_BYTES } from '../../shared/events'
import { HTTP_STREAM_QUEUE_BUDGET } from '../../shared/limits'
import { placeOf, type EventPlace, type Reporter } from '../endpoint'
import type { BodySource, HttpResponse } from './response'
import { responseHead } from './response-head'

/** Bodies up to this size are copied behind their head into one buffer; bigger ones go by writev. */
export const COPY_LIMIT = 16 * 1024
const STREAM_CHUNK = 1024 * 1024
const STREAM_AHEAD = 4 * STREAM_CHUNK
/** Chunks of downloads sent while the server's queue is over its budget: little memory per stuck client. */
const LEAN_CHUNK = 64 * 1024
/** Chunk buffers kept for the next download (at most this many: 32 MB). */
const CHUNK_POOL_MAX = 32
const SERVER_NAME = 'socklab'

type FileBody = Extract<BodySource, { from: 'file' }>

/** The socket a response goes to, and where it is in the log. */
export type Destination = EventPlace & { socket: net.Socket }

export class ResponseWriter {
  /** Download bytes handed to sockets and not yet taken by the kernel, over all connections. */
  private streamQueued = 0
  private readonly chunkPool: Buffer[] = []

  constructor(private readonly report: Reporter) {}

  /**
   * Writes `response` to `to`. Resolves with the body bytes sent: at once for a body in memory,
   * once the last chunk is handed to the socket for a file (whose descriptor it then closes).
   */
  send(to: Destination, response: HttpResponse): number | Promise<number> {
    const body = response.body
    if (body.from === 'file') return this.stream(to, response, body).finally(() => body.handle.close())
    if (to.socket.destroyed) return 0
    if (body.from === 'nothing') {
      const head = this.head(response)
      this.logSent(to, response, head, head.length, false)
      to.socket.write(head)
      return 0
    }
    const { bytes, ready } = body
    if (bytes.length > COPY_LIMIT) {
      // Two buffers in one writev: no copy of a large body per request.
      const head = this.head(response)
      this.logSent(to, response, [head, bytes], head.length + bytes.length, false)
      to.socket.cork()
      to.socket.write(head)
      to.socket.write(bytes)
      to.socket.uncork()
      return bytes.length
    }
    // A whole cached file's response is made once a second and then written as it is.
    const whole = ready ? (ready.find(response.keepAlive) ?? ready.keep(response.keepAlive, this.bytesOf(response))) : this.bytesOf(response)
    this.logSent(to, response, whole, whole.length, false)
    to.socket.write(whole)
    return bytes.length
  }

  /** Head and body (from memory) in one buffer. */
  bytesOf(response: HttpResponse): Buffer {
    const head = this.head(response)
    return response.body.from === 'memory' ? Buffer.concat([head, response.body.bytes]) : head
  }

  private head(response: HttpResponse): Buffer {
    return responseHead(response, SERVER_NAME)
  }

  /** Stamped as send() is called: for a body in memory, before its bytes leave. */
  private logSent(to: Destination, response: HttpResponse, bytes: Buffer | Buffer[], length: number, streamed: boolean): void {
    this.report.data('send', bytes, { ...placeOf(to), length, detail: { what: 'response', status: response.status, streamed } })
  }

  /**
   * Big files go from disk to socket in chunks, at the pace the client reads, from the descriptor
   * that was checked to lie inside the folder.
   */
  private async stream(to: Destination, response: HttpResponse, { handle, start, end }: FileBody): Promise<number> {
    const { socket } = to
    const head = this.head(response)
    socket.write(head)
    let sent = 0
    let first: Buffer | undefined
    // Over the server's budget, every download sends small chunks one at a time: clients that do
    // not read then hold little memory each until the send-stall timeout closes them.
    const lean = (): boolean => this.streamQueued > HTTP_STREAM_QUEUE_BUDGET
    const readInto = (position: number): Promise<Buffer> => {
      const buffer = lean() ? Buffer.allocUnsafe(LEAN_CHUNK) : (this.chunkPool.pop() ?? Buffer.allocUnsafeSlow(STREAM_CHUNK))
      const size = Math.min(buffer.length, end + 1 - position)
      return handle.read(buffer, 0, size, position).then((r) => buffer.subarray(0, r.bytesRead))
    }
    // One read always in flight ahead of the socket, into buffers that are reused once the kernel
    // has taken their bytes: no fresh memory (and no page faults) per chunk.
    let next: Promise<Buffer> | undefined = readInto(start)
    while (next && !socket.destroyed) {
      const chunk = await next
      if (chunk.length === 0) {
        this.recycle(chunk)
        break
      }
      sent += chunk.length
      next = start + sent <= end ? readInto(start + sent) : undefined
      // The pooled chunk is reused: keep a copy of the preview's bytes, if anyone looks at them.
      if (!first && this.report.previews) first = Buffer.from(chunk.subarray(0, PREVIEW_BYTES))
      this.streamQueued += chunk.length
      socket.write(chunk, () => {
        this.streamQueued -= chunk.length
        this.recycle(chunk)
      })
      // A few chunks may queue in the socket, no more: memory stays bounded per download.
      if (socket.writableLength > (lean() ? 0 : STREAM_AHEAD)) await drained(socket)
    }
    if (next) this.recycle(await next.catch(() => Buffer.alloc(0)))
    this.logSent(to, response, first ? [head, first] : head, head.length + sent, true)
    if (sent !== end - start + 1 && !socket.destroyed) {
      // The file shrank while we sent it: the length we promised is wrong, so the connection must go.
      socket.destroy()
    }
    return sent
  }

  /** Gives a download's chunk buffer back once the kernel has its bytes. */
  private recycle(chunk: Buffer): void {
    if (this.chunkPool.length < CHUNK_POOL_MAX && chunk.buffer.byteLength === STREAM_CHUNK) this.chunkPool.push(Buffer.from(chunk.buffer, 0, STREAM_CHUNK))
  }
}

/** Resolves when the socket's buffer has room again (or the socket is gone). */
export function drained(socket: net.Socket): Promise<void> {
  if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('drain', done)
    socket.on('close', done)
  })
}
