// The one place that decides what the HTTP server answers: a request head (from the real parser)
// and a folder on disk in, a response description out (status, header fields, where the body comes
// from). No socket here: the writer and the server have tests of their own.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRequestHead, type RequestHead } from '../src/engine/http/request-head'
import { describeResponse, errorResponse, type HttpResponse } from '../src/engine/http/response'
import { StaticFiles } from '../src/engine/http/static-files'
import { HTTP_CACHED_FILE_MAX } from '../src/shared/limits'
import { said } from '../src/shared/i18n/said'
import { english } from '../src/engine/english'

let tmp: string
let files: StaticFiles
const SMALL = 'small text\n'
const BIG_SIZE = HTTP_CACHED_FILE_MAX + 1000
let lastModified: string

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-response-')))
  fs.mkdirSync(path.join(tmp, 'folder'))
  fs.mkdirSync(path.join(tmp, 'listed'))
  fs.writeFileSync(path.join(tmp, 'small.txt'), SMALL)
  fs.writeFileSync(path.join(tmp, 'big.bin'), Buffer.alloc(BIG_SIZE, 7))
  fs.writeFileSync(path.join(tmp, 'folder', 'index.html'), '<h1>folder</h1>\n')
  fs.writeFileSync(path.join(tmp, 'listed', 'a.txt'), 'a')
  const when = new Date('2024-03-01T10:00:00Z')
  for (const f of ['small.txt', 'big.bin']) fs.utimesSync(path.join(tmp, f), when, when)
  lastModified = when.toUTCString()
  files = new StaticFiles(tmp, false)
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

function head(requestLine: string, ...headers: string[]): RequestHead {
  const parsed = parseRequestHead(Buffer.from(`${requestLine}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'))
  if (!('head' in parsed)) throw new Error(`not a request: ${requestLine}`)
  return parsed.head
}

const describeFor = (requestLine: string, ...headers: string[]): Promise<HttpResponse> => Promise.resolve(describeResponse(head(requestLine, ...headers), files))
const field = (r: HttpResponse, name: string): string | number | undefined => r.headers.find(([n]) => n === name)?.[1]
const bodyText = (r: HttpResponse): string => (r.body.from === 'memory' ? r.body.bytes.toString('latin1') : `<${r.body.from}>`)

/** Descriptors this process has open now (Linux). */
const openDescriptors = (): number => fs.readdirSync('/proc/self/fd').length

describe('describeResponse: a small file', () => {
  it('GET: 200 with type, length and validators, the bytes from memory; the second time at once, from the cache', async () => {
    const first = describeResponse(head('GET /small.txt HTTP/1.1', 'Host: x'), files)
    expect(first).toBeInstanceOf(Promise)
    const r = await first
    expect(r.status).toBe(200)
    expect(r.keepAlive).toBe(true)
    expect(r.headers).toEqual([
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', SMALL.length],
      ['Last-Modified', lastModified],
      ['ETag', expect.stringMatching(/^W\/"b-[0-9a-f]+"$/)],
      ['Accept-Ranges', 'bytes']
    ])
    expect(bodyText(r)).toBe(SMALL)
    expect(r.reason).toBeUndefined()
    // Cached now: described without waiting, with the cache's ready-made responses to write.
    const again = describeResponse(head('GET /small.txt HTTP/1.1', 'Host: x'), files)
    expect(again).not.toBeInstanceOf(Promise)
    expect((again as HttpResponse).body).toMatchObject({ from: 'memory', ready: expect.anything() })
  })

  it('HEAD: the same head, and nothing follows it', async () => {
    const r = await describeFor('HEAD /small.txt HTTP/1.1')
    expect([r.status, field(r, 'Content-Length'), r.body]).toEqual([200, SMALL.length, { from: 'nothing' }])
  })

  it('Range: 206 with Content-Range and those bytes only (never the whole file\'s ready-made response)', async () => {
    const r = await describeFor('GET /small.txt HTTP/1.1', 'Range: bytes=2-5')
    expect([r.status, field(r, 'Content-Length'), field(r, 'Content-Range'), bodyText(r)]).toEqual([206, 4, `bytes 2-5/${SMALL.length}`, 'all '])
    expect(r.body).not.toHaveProperty('ready')
    expect(bodyText(await describeFor('GET /small.txt HTTP/1.1', 'Range: bytes=-3'))).toBe('xt\n')
    const headOnly = await describeFor('HEAD /small.txt HTTP/1.1', 'Range: bytes=0-0')
    expect([headOnly.status, headOnly.body.from]).toEqual([206, 'nothing'])
  })

  it('a range beyond the end: 416 with the size in Content-Range and the reason for the log', async () => {
    const r = await describeFor('GET /small.txt HTTP/1.1', 'Range: bytes=500-')
    expect([r.status, field(r, 'Content-Range')]).toEqual([416, `bytes */${SMALL.length}`])
    expect(english(r.reason!)).toBe(`range <bytes=500-> lies beyond the file's ${SMALL.length} bytes`)
    expect(bodyText(r)).toContain('416 Range Not Satisfiable')
  })

  it('a current copy: 304 with the validators alone and no body (If-None-Match, If-Modified-Since)', async () => {
    const etag = String(field(await describeFor('GET /small.txt HTTP/1.1'), 'ETag'))
    for (const condition of [`If-None-Match: ${etag}`, 'If-None-Match: *', `If-Modified-Since: ${lastModified}`]) {
      const r = await describeFor('GET /small.txt HTTP/1.1', condition)
      expect([r.status, r.headers, r.body]).toEqual([304, [['Last-Modified', lastModified], ['ETag', etag]], { from: 'nothing' }])
    }
    expect((await describeFor('GET /small.txt HTTP/1.1', 'If-None-Match: "other"')).status).toBe(200)
    expect((await describeFor('GET /small.txt HTTP/1.1', 'If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT')).status).toBe(200)
  })

  it('If-Range that no longer holds: the whole file, 200', async () => {
    const r = await describeFor('GET /small.txt HTTP/1.1', 'Range: bytes=0-1', 'If-Range: "stale"')
    expect([r.status, bodyText(r)]).toEqual([200, SMALL])
  })

  it('the connection is kept as the client asks (HTTP/1.0 closes unless it asks to keep it)', async () => {
    expect((await describeFor('GET /small.txt HTTP/1.0')).keepAlive).toBe(false)
    expect((await describeFor('GET /small.txt HTTP/1.0', 'Connection: keep-alive')).keepAlive).toBe(true)
    expect((await describeFor('GET /small.txt HTTP/1.1', 'Connection: close')).keepAlive).toBe(false)
  })
})

describe('describeResponse: a file too big for memory', () => {
  it('GET and Range: the bytes come from the open file, start to end inclusive', async () => {
    for (const [range, start, end, status] of [[undefined, 0, BIG_SIZE - 1, 200], ['bytes=10-19', 10, 19, 206]] as const) {
      const r = await describeFor('GET /big.bin HTTP/1.1', ...(range ? [`Range: ${range}`] : []))
      expect(r.status).toBe(status)
      expect(field(r, 'Content-Length')).toBe(end - start + 1)
      if (r.body.from !== 'file') throw new Error(`body from ${r.body.from}`)
      expect([r.body.start, r.body.end]).toEqual([start, end])
      const chunk = Buffer.alloc(4)
      await r.body.handle.read(chunk, 0, 4, start)
      expect(chunk).toEqual(Buffer.alloc(4, 7))
      await r.body.handle.close()
    }
  })

  it('HEAD, 304 and 416 read nothing from it: its descriptor is closed at once', async () => {
    const before = openDescriptors()
    for (const [line, header] of [['HEAD /big.bin HTTP/1.1', 'X: y'], ['GET /big.bin HTTP/1.1', `If-Modified-Since: ${lastModified}`], ['GET /big.bin HTTP/1.1', `Range: bytes=${BIG_SIZE}-`]]) {
      const r = await describeFor(line, header)
      expect(r.body.from).not.toBe('file')
    }
    expect(openDescriptors()).toBe(before)
  })
})

describe('describeResponse: what is not a file', () => {
  it('a folder: its index.html; without its final "/", 301 to it; without an index, a listing', async () => {
    expect(bodyText(await describeFor('GET /folder/ HTTP/1.1'))).toBe('<h1>folder</h1>\n')
    const moved = await describeFor('GET /folder?x=1 HTTP/1.1')
    expect([moved.status, field(moved, 'Location'), moved.reason]).toEqual([301, '/folder/?x=1', undefined])
    const listing = await describeFor('GET /listed/ HTTP/1.1')
    expect([listing.status, field(listing, 'Content-Type')]).toEqual([200, 'text/html; charset=utf-8'])
    expect(bodyText(listing)).toContain('<a href="a.txt">a.txt</a>')
  })

  it('missing, hidden or outside: 404 with a page, and the reason for the log only', async () => {
    const r = await describeFor('GET /nope.html HTTP/1.1')
    expect([r.status, english(r.reason!)]).toEqual([404, '/nope.html: no such file'])
    expect(bodyText(r)).not.toContain('no such file')
    expect((await describeFor('GET /.git/config HTTP/1.1')).status).toBe(404)
    const climbing = await describeFor('GET /../etc/passwd HTTP/1.1')
    expect([climbing.status, english(climbing.reason!)]).toEqual([403, 'the path climbs above the served folder'])
    expect(bodyText(climbing)).toContain('the path climbs above the served folder')
  })

  it('other methods: 405 with Allow, unknown ones 501; both close the connection (their body is not read)', async () => {
    const post = await describeFor('POST /small.txt HTTP/1.1', 'Content-Length: 3')
    expect([post.status, post.keepAlive, field(post, 'Allow')]).toEqual([405, false, 'GET, HEAD'])
    expect(english(post.reason!)).toBe('method POST not allowed: this server only reads files (GET, HEAD)')
    const brew = await describeFor('BREW /pot HTTP/1.1')
    expect([brew.status, brew.keepAlive, english(brew.reason!)]).toEqual([501, false, 'method BREW not implemented'])
  })

  it('errorResponse: a page that says what went wrong, a head alone for HEAD', () => {
    const r = errorResponse(408, said('http:refused.headDeadline', { seconds: 60 }))
    expect([r.status, r.keepAlive, english(r.reason!), field(r, 'Content-Type')]).toEqual([408, false, 'no complete request head within 60 s', 'text/html; charset=utf-8'])
    // The page is what the server sends: English, whatever the reader's language.
    expect(bodyText(r)).toContain('<p>no complete request head within 60 s</p>')
    expect(field(r, 'Content-Length')).toBe(r.body.from === 'memory' ? r.body.bytes.length : -1)
    expect(bodyText(r)).toContain('408 Request Timeout')
    expect(errorResponse(400, said('http:refused.headerFolding'), { keepAlive: true, isHead: true }).body).toEqual({ from: 'nothing' })
  })
})
