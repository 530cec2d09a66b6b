// The course's HTTP client on the engine, against raw servers that control how a reply arrives:
// what it counts as recv() calls, how it judges one recv(1500), and the order of the closes.

import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { replyStart, truncationNote } from '../src/engine/http/reply-head'
import { endpointsOf } from '../src/renderer/src/log/format'
import { formatSockAddr } from '../src/shared/events'
import { testLab, type TestLab } from './helpers/lab'
import { english, words } from './helpers/words'

let t: TestLab
const servers: net.Server[] = []
afterEach(async () => {
  await t?.close()
  for (const s of servers.splice(0)) s.close()
})

/** A server that answers each connection by writing `parts` one by one, `gapMs` apart, then closing first. */
async function rawServer(parts: (string | Buffer)[], gapMs = 0): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined)
    socket.once('data', async () => {
      for (const part of parts) {
        if (socket.destroyed) return
        socket.write(part)
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs))
      }
      socket.end()
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  return (server.address() as net.AddressInfo).port
}

/** A number as the English catalog writes it ({{x, n}}: 1,500). */
const en = (x: number): string => x.toLocaleString('en')

const head = (length: number): string => `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${length}\r\n\r\n`

describe('HTTP client: recv(1500) in a loop', () => {
  it('counts the recv(1500) calls a Python loop would make, not the chunks Node delivers', async () => {
    const body = Buffer.alloc(200_000, 'b')
    const port = await rawServer([Buffer.concat([Buffer.from(head(body.length)), body])])
    t = testLab()
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/big`)
    const reads = t.events.filter((e) => e.endpoint === c.id && e.kind === 'recv')
    expect(result.length).toBe(head(body.length).length + body.length)
    expect(reads.reduce((n, e) => n + e.length, 0)).toBe(result.length)
    for (const e of reads) expect(e.length).toBeLessThanOrEqual(1500)
    expect(reads.length).toBeGreaterThanOrEqual(Math.ceil(result.length / 1500))
    expect(reads.map((e) => words(e).split(':')[0])).toEqual(reads.map((_, i) => `recv(1500) #${i + 1}`))
    expect(words(reads[0])).toBe('recv(1500) #1: HTTP/1.0 200 OK (1,500 bytes)')
    expect(t.lines(c.id).at(-1)).toBe(`Reply read in ${reads.length} recv(1500) calls until the server closed, ${en(result.length)} bytes`)
  })

  it("shows the server's FIN as the recv() that returns b'', then the client's one close()", async () => {
    const port = await rawServer([head(5), 'hello'])
    t = testLab()
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    const mine = t.events.filter((e) => e.endpoint === c.id)
    // The socket's events: the lifecycle (start, activity, stop) is the window's, not the socket's.
    const rows = mine.filter((e) => e.kind !== 'console' && e.kind !== 'lifecycle').map((e) => `${e.kind} ${e.kind === 'close' || (e.kind === 'recv' && e.length === 0) ? words(e) : ''}`.trim())
    const bytes = rows.filter((r) => r === 'recv')
    expect(rows).toEqual([
      'connect',
      'send',
      ...bytes,
      `recv recv(1500) #${bytes.length + 1}: b'' (0 bytes), the server closed the connection (FIN): end of the reply after ${head(5).length + 5} bytes`,
      'close the client closed its side too'
    ])
    // The read of the end of stream comes from the server to the client; the close() goes from the client.
    const end = mine.find((e) => e.kind === 'recv' && e.length === 0)!
    const close = mine.find((e) => e.kind === 'close')!
    expect(endpointsOf(end)).toEqual({ source: formatSockAddr(close.remote!), destination: formatSockAddr(close.local!) })
    expect(endpointsOf(close)).toEqual({ source: formatSockAddr(close.local!), destination: formatSockAddr(close.remote!) })
    // As the course's client: "received", close(), then the reply printed; the FIN read before all of them.
    const at = (match: (e: (typeof mine)[number]) => boolean): number => mine.findIndex(match)
    expect(at((e) => e === end)).toBeLessThan(at((e) => words(e) === 'received'))
    expect(at((e) => words(e) === 'received')).toBeLessThan(at((e) => e === close))
    expect(at((e) => e === close)).toBeLessThan(at((e) => words(e) === 'Response:'))
    expect(t.lines(c.id).at(-1)).toBe(`Reply read in ${bytes.length + 1} recv(1500) calls until the server closed, ${head(5).length + 5} bytes`)
  })
})

describe('HTTP client: the course\'s one recv(1500)', () => {
  it('judges truncation by Content-Length when the first read holds only the header', async () => {
    // The header and the body in two writes: the one recv() returns the header alone, far below 1,500 bytes.
    const port = await rawServer([head(5000), Buffer.alloc(5000, 'x')], 200)
    t = testLab()
    const c = await t.start({ kind: 'http-client', recvOnce: true, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    expect(result.length).toBe(head(5000).length)
    expect(t.lines(c.id).at(-1)).toBe(
      `Reply read in one recv(1500) as in the course: ${head(5000).length} bytes, truncated: Content-Length says 5000 body bytes, this recv() got 0, so 5,000 were never read`
    )
    const rows = t.events.filter((e) => e.endpoint === c.id && e.kind === 'close').map((e) => words(e))
    expect(rows).toEqual(['the client closed the connection after its one recv(), without waiting for the server to close'])
  })

  it('says so when a short reply came whole, and counts what a long one left unread', async () => {
    const shortPort = await rawServer([head(5) + 'hello'])
    const longPort = await rawServer([head(3000) + 'y'.repeat(3000)])
    t = testLab()
    const c = await t.start({ kind: 'http-client', recvOnce: true, family: 'IPv4' })
    await t.lab.send(c.id, `http://127.0.0.1:${shortPort}/`)
    expect(t.lines(c.id).at(-1)).toBe(`Reply read in one recv(1500) as in the course: ${head(5).length + 5} bytes, complete: Content-Length 5, and all 5 body bytes came in this recv()`)
    await t.lab.send(c.id, `http://127.0.0.1:${longPort}/`)
    const got = 1500 - head(3000).length
    expect(t.lines(c.id).at(-1)).toBe(`Reply read in one recv(1500) as in the course: 1,500 bytes, truncated: Content-Length says 3000 body bytes, this recv() got ${en(got)}, so ${en(3000 - got)} were never read`)
  })
})

describe('replyStart and truncationNote', () => {
  const bytes = (text: string): Buffer => Buffer.from(text, 'latin1')

  it('finds the end of the head with CRLF or bare LF, and a valid Content-Length only', () => {
    expect(replyStart(bytes('HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nbody'))).toEqual({ headSize: 39, contentLength: 12 })
    expect(replyStart(bytes('HTTP/1.0 200 OK\ncontent-length:7\n\nbody'))).toEqual({ headSize: 34, contentLength: 7 })
    expect(replyStart(bytes('HTTP/1.0 200 OK\r\nContent-Length: 9\r\nDate: now\r\n\r\n')).contentLength).toBe(9)
    expect(replyStart(bytes('HTTP/1.0 200 OK\r\nContent-Length: -3\r\n\r\n'))).toEqual({ headSize: 39 })
    expect(replyStart(bytes('HTTP/1.0 200 OK\r\nContent-Len'))).toEqual({ headSize: null })
  })

  it('words each case for a student', () => {
    expect(english(truncationNote({ headSize: null }, 1500, 1500))).toBe("truncated: even the reply's header did not fit in one recv(1500)")
    expect(english(truncationNote({ headSize: 20 }, 100, 1500))).toBe('the header has no Content-Length, so one recv() cannot tell whether more was coming')
    expect(english(truncationNote({ headSize: null }, 0, 1500))).toBe('the server closed without sending anything')
  })
})
