// The HTTP server's one response writer, on a real loopback connection: it picks one write of a
// copy for a small body, one writev for a big one in memory, a stream for a file range, the head
// alone when nothing follows; what arrives is the response, and the log gets one 'send' event.

import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Reporter } from '../src/engine/endpoint'
import type { HttpResponse } from '../src/engine/http/response'
import { COPY_LIMIT, ResponseWriter, type Destination } from '../src/engine/http/response-writer'
import { ReadyResponses } from '../src/engine/http/static-files'
import type { LabEvent } from '../src/shared/events'

let tmp: string
const FILE_SIZE = 3 * 1024 * 1024 + 11
let fileBytes: Buffer
let server: net.Server
const open: net.Socket[] = []

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-writer-'))
  fileBytes = Buffer.alloc(FILE_SIZE)
  for (let i = 0; i < FILE_SIZE; i++) fileBytes[i] = (i * 7) & 0xff
  fs.writeFileSync(path.join(tmp, 'file.bin'), fileBytes)
  server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
})
afterEach(() => {
  for (const s of open.splice(0)) s.destroy()
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** A connection: the server's end (to write on) and all that the client's end reads until it closes. */
async function connection(): Promise<{ to: Destination; received: Promise<Buffer> }> {
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve))
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1')
  const chunks: Buffer[] = []
  client.on('data', (d) => chunks.push(d))
  const received = new Promise<Buffer>((resolve) => client.on('close', () => resolve(Buffer.concat(chunks))))
  const socket = await accepted
  open.push(client, socket)
  return { to: { socket, conn: 1 }, received }
}

function writer(): { writer: ResponseWriter; events: LabEvent[] } {
  const events: LabEvent[] = []
  return { writer: new ResponseWriter(new Reporter('http-server-1', 'server', 'HTTP', (e) => events.push(e))), events }
}

const response = (body: HttpResponse['body'], length: number, status = 200): HttpResponse => ({ status, keepAlive: false, headers: [['Content-Length', length]], body })
const headOf = (bytes: Buffer): string => bytes.toString('latin1', 0, bytes.indexOf('\r\n\r\n') + 4)
const bodyOf = (bytes: Buffer): Buffer => bytes.subarray(bytes.indexOf('\r\n\r\n') + 4)

/** Sends `r`, ends the connection once the writer is done, and returns what the client read. */
async function sendAndRead(w: ResponseWriter, r: HttpResponse, spy?: (socket: net.Socket) => void): Promise<{ sent: number; bytes: Buffer; synchronous: boolean }> {
  const { to, received } = await connection()
  spy?.(to.socket)
  const result = w.send(to, r)
  const sent = await result
  to.socket.end()
  return { sent, bytes: await received, synchronous: typeof result === 'number' }
}

describe('ResponseWriter', () => {
  it('a small body: head and body copied into one buffer, one write, at once', async () => {
    const { writer: w, events } = writer()
    const body = Buffer.from('hello, small body\n')
    let writes = 0
    const { sent, bytes, synchronous } = await sendAndRead(w, response({ from: 'memory', bytes: body }, body.length), (s) => {
      const write = s.write.bind(s)
      vi.spyOn(s, 'write').mockImplementation((...args: Parameters<typeof s.write>) => (writes++, write(...args)))
    })
    expect([sent, synchronous, writes]).toEqual([body.length, true, 1])
    expect(headOf(bytes)).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: socklab\r\nDate: .+ GMT\r\nContent-Length: 18\r\nConnection: close\r\n\r\n$/)
    expect(bodyOf(bytes)).toEqual(body)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ kind: 'send', length: bytes.length, detail: { what: 'response', status: 200, streamed: false } })
    expect(Buffer.from(events[0].preview!, 'base64')).toEqual(bytes)
  })

  it('a big body in memory: head and body in one corked writev, the body never copied', async () => {
    const { writer: w, events } = writer()
    const body = fileBytes.subarray(0, COPY_LIMIT + 1)
    const written: Buffer[] = []
    let corked = 0
    const { sent, bytes } = await sendAndRead(w, response({ from: 'memory', bytes: body }, body.length), (s) => {
      const write = s.write.bind(s)
      const cork = s.cork.bind(s)
      vi.spyOn(s, 'write').mockImplementation((...args: Parameters<typeof s.write>) => (written.push(args[0] as Buffer), write(...args)))
      vi.spyOn(s, 'cork').mockImplementation(() => (corked++, cork()))
    })
    expect([sent, corked, written.length]).toEqual([body.length, 1, 2])
    expect(written[1]).toBe(body)
    expect(bodyOf(bytes)).toEqual(body)
    expect(events[0]).toMatchObject({ kind: 'send', length: bytes.length, detail: { streamed: false } })
  })

  it('a file range: streamed from the descriptor at the client\'s pace, then the descriptor is closed', async () => {
    const { writer: w, events } = writer()
    const handle = await fsp.open(path.join(tmp, 'file.bin'))
    const [start, end] = [5, FILE_SIZE - 3]
    const result = sendAndRead(w, response({ from: 'file', handle, start, end }, end - start + 1, 206))
    const { sent, bytes, synchronous } = await result
    expect([sent, synchronous]).toEqual([end - start + 1, false])
    expect(bodyOf(bytes).equals(fileBytes.subarray(start, end + 1))).toBe(true)
    expect(handle.fd).toBe(-1)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ kind: 'send', length: bytes.length, detail: { what: 'response', status: 206, streamed: true } })
  })

  it('nothing to follow (HEAD, 304): the head alone, though it announces a length', async () => {
    const { writer: w, events } = writer()
    const { sent, bytes } = await sendAndRead(w, response({ from: 'nothing' }, 1234, 304))
    expect(sent).toBe(0)
    expect(headOf(bytes)).toBe(bytes.toString('latin1'))
    expect(bytes.toString('latin1')).toContain('Content-Length: 1234\r\n')
    expect(events[0]).toMatchObject({ kind: 'send', length: bytes.length, detail: { status: 304, streamed: false } })
  })

  it('a cached file\'s ready-made response is made once and written as it is while the second lasts', async () => {
    const { writer: w } = writer()
    const made: number[] = []
    const ready = new ReadyResponses((delta) => made.push(delta))
    const body = Buffer.from('ready body\n')
    const r = response({ from: 'memory', bytes: body, ready }, body.length)
    const written: Buffer[] = []
    const spy = (s: net.Socket): void => {
      const write = s.write.bind(s)
      vi.spyOn(s, 'write').mockImplementation((...args: Parameters<typeof s.write>) => (written.push(args[0] as Buffer), write(...args)))
    }
    // Two responses within one second of the Date header (retried if a second ticks over in between).
    for (let attempt = 0; attempt < 5; attempt++) {
      written.length = 0
      const second = Math.floor(Date.now() / 1000)
      const [a, b] = [await sendAndRead(w, r, spy), await sendAndRead(w, r, spy)]
      if (Math.floor(Date.now() / 1000) !== second) continue
      expect(written[1]).toBe(written[0])
      expect(a.bytes).toEqual(b.bytes)
      expect(bodyOf(a.bytes)).toEqual(body)
      return
    }
    throw new Error('never two responses within one second')
  })

  it('a socket already gone: nothing written, nothing logged; a file\'s descriptor is still closed', async () => {
    const { writer: w, events } = writer()
    const { to } = await connection()
    to.socket.destroy()
    expect(w.send(to, response({ from: 'memory', bytes: Buffer.from('x') }, 1))).toBe(0)
    expect(events).toEqual([])
    const handle = await fsp.open(path.join(tmp, 'file.bin'))
    expect(await w.send(to, response({ from: 'file', handle, start: 0, end: 99 }, 100))).toBe(0)
    expect(handle.fd).toBe(-1)
  })
})
