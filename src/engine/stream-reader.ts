// A TCP socket read as a program reads it with recv(n) in a loop: each call returns the bytes that
// have arrived, at most n of them, and leaves the rest for the next call, as the kernel's receive
// buffer does. Node reads from the kernel in large pieces of its own; this hands them out again as
// recv(n) would have returned them, so that each recv event is one read() of the program.

import type net from 'node:net'

/** What one recv(n) returned: `bytes` (empty at end of stream), and what had arrived before it was called. */
export interface Read {
  bytes: Buffer
  /** The stream ended (b''): the peer closed its side. */
  eof: boolean
  /** Bytes that had arrived (in this process) before the call: the read did not have to wait for them. */
  waiting: number
}

/** Above this many bytes received and not yet read the socket stops reading: the kernel's buffer fills, the peer's window closes, as with a program that is slow to call recv(). */
const HIGH_WATER = 256 * 1024

export class StreamReader {
  private chunks: Buffer[] = []
  private pending = 0
  private ended = false
  private failure?: Error
  private wake?: () => void

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk)
      this.pending += chunk.length
      if (this.pending >= HIGH_WATER) socket.pause()
      this.wake?.()
    })
    socket.once('end', () => {
      this.ended = true
      this.wake?.()
    })
    socket.on('error', (err) => {
      this.failure ??= err
      this.wake?.()
    })
    socket.once('close', () => {
      this.failure ??= this.ended ? undefined : Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })
      this.ended = true
      this.wake?.()
    })
  }

  /** Bytes received and not read yet (a close() now would leave them unread). */
  get unread(): number {
    return this.pending
  }

  /** Whether the peer's end of stream has been seen: no byte is left in flight. */
  get eof(): boolean {
    return this.ended
  }

  /**
   * recv(size): the bytes that have arrived, at most `size`; b'' at end of stream; 'timeout' after
   * `idleMs` with nothing (0 waits forever); 'aborted' when abort() is called first. Rejects with the
   * socket's error (a reset) when nothing is left to read.
   */
  recv(size: number, idleMs = 0): Promise<Read | 'timeout' | 'aborted'> {
    const waiting = this.pending
    if (this.pending > 0 || this.ended || this.failure) return Promise.resolve(this.take(size, waiting))
    this.socket.resume()
    // The wait is kept in fields, not in closures made per call: a session answers thousands of
    // messages, each one wait.
    this.size = size
    if (idleMs > 0) this.idleTimer(idleMs)
    return new Promise(this.park)
  }

  /** A recv() waiting for bytes: its size and how to answer it. */
  private size = 0
  private settle?: (result: Read | 'timeout' | 'aborted') => void
  private fail?: (err: Error) => void
  private idle?: NodeJS.Timeout
  private readonly park = (resolve: (result: Read | 'timeout' | 'aborted') => void, reject: (err: Error) => void): void => {
    this.settle = resolve
    this.fail = reject
    this.wake = this.onBytes
  }

  /** Bytes, end of stream or an error arrived for the recv() waiting. */
  private readonly onBytes = (): void => {
    const settle = this.settle
    const fail = this.fail
    this.finish()
    try {
      settle?.(this.take(this.size, 0))
    } catch (err) {
      fail?.(err as Error)
    }
  }

  private finish(): void {
    this.wake = this.settle = this.fail = undefined
  }

  /** Ends a recv() under way with 'aborted' (the connection is being closed from outside). */
  abort(): void {
    const settle = this.settle
    this.finish()
    settle?.('aborted')
  }

  /**
   * One timer per connection, started again at each wait (a timer per recv() costs more than the
   * read itself when a session answers thousands of messages): it ends only a wait under way.
   */
  private idleTimer(ms: number): void {
    if (this.idle) this.idle.refresh()
    else {
      this.idle = setTimeout(() => {
        const settle = this.settle
        this.finish()
        settle?.('timeout')
      }, ms)
      this.socket.once('close', () => clearTimeout(this.idle))
    }
  }

  private take(size: number, waiting: number): Read {
    if (this.pending === 0) {
      if (this.failure) throw this.failure
      return { bytes: Buffer.alloc(0), eof: true, waiting: 0 }
    }
    let bytes: Buffer
    const first = this.chunks[0]
    if (first.length <= size && this.chunks.length === 1) {
      bytes = first
      this.chunks = []
    } else if (first.length >= size) {
      bytes = first.subarray(0, size)
      if (first.length === size) this.chunks.shift()
      else this.chunks[0] = first.subarray(size)
    } else {
      // Several pieces that Node read apart are one read for the program: the kernel's buffer holds them together.
      const parts: Buffer[] = []
      let room = size
      while (room > 0 && this.chunks.length) {
        const c = this.chunks[0]
        if (c.length <= room) {
          parts.push(c)
          room -= c.length
          this.chunks.shift()
        } else {
          parts.push(c.subarray(0, room))
          this.chunks[0] = c.subarray(room)
          room = 0
        }
      }
      bytes = Buffer.concat(parts)
    }
    this.pending -= bytes.length
    if (this.pending < HIGH_WATER && !this.ended) this.socket.resume()
    return { bytes, eof: false, waiting }
  }
}
