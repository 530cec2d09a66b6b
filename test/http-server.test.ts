import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LabError } from '../src/engine/errors'
import { exchangeOnOneConnection, get, parseResponses, rawHttp } from './helpers/http'
import { testLab, type TestLab } from './helpers/lab'
import { freePort, python, run, start } from './helpers/processes'
import { words } from './helpers/words'

// Layout: <tmp>/secret.txt (outside), <tmp>/site/ (served) with files, folders and symlinks.
const SECRET = 'TOP-SECRET-7f3a9c'
let tmp: string
let site: string
let t: TestLab
let port: number
let bigSha: string

const BIG_SIZE = 3 * 1024 * 1024 + 17

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-http-'))
  site = path.join(tmp, 'site')
  fs.writeFileSync(path.join(tmp, 'secret.txt'), `${SECRET}\n`)
  fs.mkdirSync(path.join(tmp, 'private'))
  fs.writeFileSync(path.join(tmp, 'private', 'index.html'), SECRET)
  fs.mkdirSync(path.join(site, 'sub', 'deeper'), { recursive: true })
  fs.mkdirSync(path.join(site, 'docs'))
  fs.writeFileSync(path.join(site, 'index.html'), '<h1>home</h1>\n')
  fs.writeFileSync(path.join(site, 'sub', 'page.html'), '<p>sub page</p>\n')
  fs.writeFileSync(path.join(site, 'docs', 'notes.txt'), 'notes\n')
  fs.writeFileSync(path.join(site, 'docs', 'a <b> & c.txt'), 'odd name\n')
  fs.writeFileSync(path.join(site, 'data.json'), '{"a":1}')
  fs.writeFileSync(path.join(site, 'digits.txt'), '0123456789')
  fs.writeFileSync(path.join(site, 'blob.bin'), Buffer.from([0, 1, 2, 255]))
  fs.writeFileSync(path.join(site, 'with space.txt'), 'spaced\n')
  const big = crypto.randomBytes(BIG_SIZE)
  bigSha = crypto.createHash('sha256').update(big).digest('hex')
  fs.writeFileSync(path.join(site, 'big.bin'), big)
  // Symlinks: two that stay inside (served), four that lead out (never served).
  fs.symlinkSync('index.html', path.join(site, 'alias.html'))
  fs.symlinkSync('sub', path.join(site, 'sub-alias'))
  fs.symlinkSync('../secret.txt', path.join(site, 'link-out.txt'))
  fs.symlinkSync('..', path.join(site, 'up'))
  fs.symlinkSync('/etc/passwd', path.join(site, 'passwd'))
  fs.symlinkSync('../../../private', path.join(site, 'sub', 'deeper', 'escape'))

  t = testLab()
  const server = await t.start({ kind: 'http-server', address: '::', port: 0, root: site })
  port = server.local!.port
})
/** Polls `check` until it holds (for peers that print nothing when ready). */
async function waitFor(check: () => Promise<boolean>, ms = 8000): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

afterAll(async () => {
  await t?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('HTTP server: serving files', () => {
  it('serves a file with its type, length, validators, and says so on the console', async () => {
    const r = await get(port, '/data.json')
    expect(r.statusLine).toBe('HTTP/1.1 200 OK')
    expect(r.headers.get('content-type')).toBe('application/json')
    expect(r.headers.get('content-length')).toBe('7')
    expect(r.headers.get('last-modified')).toMatch(/GMT$/)
    expect(r.headers.get('accept-ranges')).toBe('bytes')
    expect(r.body.toString()).toBe('{"a":1}')
    const serverId = t.lab.list().find((e) => e.config.kind === 'http-server')!.id
    expect(t.lines(serverId)[0]).toBe(`Serving at port ${port}/tcp ...`)
    // Bound to ::, the server sees an IPv4 client as ::ffff:127.0.0.1 and logs it so, as Python's http.server does.
    await t.waitForEvent((e) => e.kind === 'console' && /^::ffff:127\.0\.0\.1 - - \[.+\] "GET \/data.json HTTP\/1.1" 200 7$/.test(words(e)))
    const sent = await t.waitForEvent((e) => e.endpoint === serverId && e.kind === 'send' && Buffer.from(e.preview!, 'base64').includes('{"a":1}'))
    expect(Buffer.from(sent.preview!, 'base64').toString('latin1')).toMatch(/^HTTP\/1.1 200 OK\r\n/)
  })

  it('binary files byte for byte, and names with spaces', async () => {
    expect((await get(port, '/blob.bin')).body).toEqual(Buffer.from([0, 1, 2, 255]))
    expect((await get(port, '/blob.bin')).headers.get('content-type')).toBe('application/octet-stream')
    expect((await get(port, '/with%20space.txt')).body.toString()).toBe('spaced\n')
  })

  it('HEAD gives the headers of GET and no body', async () => {
    const reply = await rawHttp(port, 'HEAD /data.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const [r] = parseResponses(reply, new Set([0]))
    expect(r.status).toBe(200)
    expect(r.headers.get('content-length')).toBe('7')
    expect(reply.toString('latin1').endsWith('\r\n\r\n')).toBe(true)
  })

  it('index.html for a folder, a listing when there is none, 301 for a folder without /', async () => {
    expect((await get(port, '/')).body.toString()).toBe('<h1>home</h1>\n')
    const listing = await get(port, '/docs/')
    expect(listing.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(listing.body.toString()).toContain('<a href="notes.txt">notes.txt</a>')
    // Names are escaped in the page and encoded in the link.
    expect(listing.body.toString()).toContain('<a href="a%20%3Cb%3E%20%26%20c.txt">a &#60;b&#62; &#38; c.txt</a>')
    const moved = await get(port, '/docs?x=1')
    expect(moved.status).toBe(301)
    expect(moved.headers.get('location')).toBe('/docs/?x=1')
  })

  it('a listing links the names a URL can ask for, and shows the others without a link', async () => {
    const odd = path.join(site, 'odd')
    fs.mkdirSync(odd)
    fs.writeFileSync(path.join(odd, 'fine.txt'), 'fine')
    fs.writeFileSync(path.join(odd, 'ctl\x01name.txt'), 'control')
    fs.writeFileSync(path.join(odd, 'back\\slash.txt'), 'backslash')
    fs.writeFileSync(Buffer.from(`${odd}/latin1-\xe9.txt`, 'latin1'), 'not utf-8')
    const listing = (await get(port, '/odd/')).body.toString()
    expect(listing).toContain('<a href="fine.txt">fine.txt</a>')
    expect(listing).toContain('<li>ctl?name.txt <small>(this name cannot be requested by URL)</small></li>')
    expect(listing).toContain('<li>back\\slash.txt <small>(this name cannot be requested by URL)</small></li>')
    expect(listing).toContain('<li>latin1-\ufffd.txt <small>(this name cannot be requested by URL)</small></li>')
    // Every link there is works.
    const links = [...listing.matchAll(/href="([^"]+)"/g)].map((m) => m[1])
    expect(links).toEqual(['fine.txt'])
    for (const link of links) expect((await get(port, `/odd/${link}`)).status).toBe(200)
  })

  it('a listing shows a symlink that leads outside the folder without a link (it would only give 404)', async () => {
    const links = path.join(site, 'links')
    fs.mkdirSync(links)
    fs.writeFileSync(path.join(links, 'inside.txt'), 'inside')
    fs.symlinkSync('inside.txt', path.join(links, 'to-inside'))
    fs.symlinkSync('/etc', path.join(links, 'to-etc'))
    fs.symlinkSync('/etc/hostname', path.join(links, 'to-hostname'))
    const listing = (await get(port, '/links/')).body.toString()
    expect(listing).toContain('<li>to-etc@ <small>(a link to outside the served folder: not served)</small></li>')
    expect(listing).toContain('<li>to-hostname@ <small>(a link to outside the served folder: not served)</small></li>')
    const hrefs = [...listing.matchAll(/href="([^"]+)"/g)].map((m) => m[1])
    expect(hrefs).toEqual(['inside.txt', 'to-inside'])
    for (const link of hrefs) expect((await get(port, `/links/${link}`)).status).toBe(200)
  })

  it('404 for what is not there, with a page and the reason on the server console', async () => {
    const r = await get(port, '/nope.html')
    expect(r.status).toBe(404)
    expect(r.body.toString()).toContain('404 Not Found')
    await t.waitForEvent((e) => e.kind === 'console' && words(e).endsWith('code 404, message /nope.html: no such file'))
  })

  it('a path that ends in / names a folder: /digits.txt/ is 404 where the file is, as Python\'s http.server answers (its issue 17324)', async () => {
    const py = await freePort()
    const server = start('python3', ['-m', 'http.server', String(py), '--bind', '127.0.0.1', '-d', site])
    try {
      await waitFor(async () => (await get(py, '/digits.txt').catch(() => null))?.status === 200)
      for (const target of ['/digits.txt/', '/sub/page.html/', '/alias.html/']) {
        expect([target, (await get(py, target)).status]).toEqual([target, 404])
        expect([target, (await get(port, target)).status]).toEqual([target, 404])
      }
      // Without the slash it is the file, and a folder with one is still the folder.
      expect((await get(port, '/digits.txt')).body.toString()).toBe('0123456789')
      expect((await get(port, '/sub/')).status).toBe(200)
      await t.waitForEvent((e) => e.kind === 'console' && words(e).endsWith('code 404, message /digits.txt: it is a file, but a path that ends in / names a folder'))
    } finally {
      await server.stop()
    }
  })

  it('405 with Allow for other HTTP methods, 501 for unknown ones', async () => {
    const post = parseResponses(await rawHttp(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'))[0]
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    expect(parseResponses(await rawHttp(port, 'BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n'))[0].status).toBe(501)
  })

  it('400, 414, 431 and 505 for requests it cannot read, then closes', async () => {
    const status = async (req: string | Buffer): Promise<number> => parseResponses(await rawHttp(port, req))[0].status
    expect(await status('GARBAGE\r\n\r\n')).toBe(400)
    expect(await status('GET / HTTP/2.0\r\n\r\n')).toBe(505)
    expect(await status('GET / FTP/1.0\r\n\r\n')).toBe(400)
    expect(await status('GET *  HTTP/1.1\r\n\r\n')).toBe(400)
    expect(await status(`GET /${'a'.repeat(9000)} HTTP/1.1\r\n\r\n`)).toBe(414)
    expect(await status(`GET / HTTP/1.1\r\n${'X-Filler: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n'.repeat(700)}\r\n`)).toBe(431)
    expect(await status(Buffer.concat([crypto.randomBytes(2000).map((b) => (b === 10 ? 11 : b)), Buffer.from('\n\n')]))).toBe(400)
  })

  it('accepts bare LF line endings (typed by hand in nc)', async () => {
    const [r] = parseResponses(await rawHttp(port, 'GET /digits.txt HTTP/1.0\n\n'))
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('0123456789')
  })
})

describe('HTTP server: connections', () => {
  it('HTTP/1.0 closes after one response; with keep-alive it stays open', async () => {
    const once = await rawHttp(port, 'GET /digits.txt HTTP/1.0\r\n\r\n')
    expect(parseResponses(once)[0].headers.get('connection')).toBe('close')
    const kept = await exchangeOnOneConnection(port, ['GET /digits.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 'GET /data.json HTTP/1.0\r\n\r\n'])
    expect(kept.map((r) => r.body.toString())).toEqual(['0123456789', '{"a":1}'])
    expect(kept[0].headers.get('connection')).toBe('keep-alive')
  })

  it('HTTP/1.1 keeps the connection for several requests, one after the other', async () => {
    const replies = await exchangeOnOneConnection(port, [
      'GET /digits.txt HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /data.json HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /sub/page.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
    ])
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200])
    expect(replies[2].body.toString()).toBe('<p>sub page</p>\n')
  })

  it('answers pipelined requests in order, including one that skips a body', async () => {
    const reply = await rawHttp(
      port,
      'GET /digits.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /data.json HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nJUNKHEAD /digits.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
    )
    const rs = parseResponses(reply, new Set([2]))
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200, 404])
    expect(rs[0].body.toString()).toBe('0123456789')
    expect(rs[1].body.toString()).toBe('{"a":1}')
  })

  it('answers a 20 MB upload with 405 at once and goes on serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      let got = ''
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.write('PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 20971520\r\n\r\n')
        const chunk = Buffer.alloc(1 << 20, 120)
        for (let i = 0; i < 20; i++) s.write(chunk)
      })
      s.on('data', (d) => {
        got += d.toString('latin1')
        if (got.includes('</html>')) s.destroy()
      })
      s.on('error', () => {})
      s.on('close', () => resolve(got))
    })
    expect(reply).toMatch(/^HTTP\/1.1 405 Method Not Allowed\r\n/)
    expect((await get(port, '/digits.txt')).status).toBe(200)
  })

  it('answers a client that shuts down its sending side after the request (shutdown(SHUT_WR), nc -N)', async () => {
    // Python sends the requests, shuts its side, and reads until the server closes: the answers
    // that need the disk (a big file streamed, a file not yet in memory, a 404) must still come.
    fs.writeFileSync(path.join(site, 'fresh-for-shutdown.txt'), 'fresh\n')
    const script = [
      'import socket, sys',
      'for request in sys.argv[2:]:',
      '    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))',
      '    s.sendall(request.replace("|", "\\r\\n").encode("latin1"))',
      '    s.shutdown(socket.SHUT_WR)',
      '    data = b""',
      '    while True:',
      '        d = s.recv(65536)',
      '        if not d: break',
      '        data += d',
      '    print(data.hex())'
    ].join('\n')
    const requests = ['GET /big.bin HTTP/1.0||', 'GET /fresh-for-shutdown.txt HTTP/1.1|Host: x||GET /nope-shutdown HTTP/1.1|Host: x||']
    const r = await run('python3', ['-c', script, String(port), ...requests])
    expect(r.stderr).toBe('')
    const [big, pair] = r.stdout.trim().split('\n').map((hex) => parseResponses(Buffer.from(hex, 'hex')))
    expect(big.map((x) => x.status)).toEqual([200])
    expect(crypto.createHash('sha256').update(big[0].body).digest('hex')).toBe(bigSha)
    expect(pair.map((x) => [x.status, x.status === 200 ? x.body.toString() : ''])).toEqual([
      [200, 'fresh\n'],
      [404, '']
    ])
  })

  it('closes at once a connection whose client shut its side before its request was whole', async () => {
    // Half a head, or a body shorter than its Content-Length, then FIN: the rest can never come,
    // so the server closes now rather than at the idle timeout (15 s) or the head deadline.
    for (const partial of ['GET /digits.txt HTT', 'GET /digits.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc']) {
      const closed = await new Promise<number>((resolve) => {
        const started = Date.now()
        const s = net.connect({ host: '127.0.0.1', port }, () => s.end(partial))
        s.on('data', () => {})
        s.on('error', () => {})
        s.on('close', () => resolve(Date.now() - started))
      })
      expect(closed).toBeLessThan(5000)
    }
  })

  it('keeps serving after clients that send nothing, reset, or vanish mid-download', async () => {
    const silent = net.connect({ host: '127.0.0.1', port })
    const half = net.connect({ host: '127.0.0.1', port }, () => half.write('GET /dig'))
    const reset = net.connect({ host: '127.0.0.1', port }, () => {
      reset.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n')
      reset.once('data', () => reset.resetAndDestroy())
    })
    await t.waitForEvent((e) => e.kind === 'reset' || (e.kind === 'close' && e.role === 'server' && e.conn > 0))
    expect((await get(port, '/digits.txt')).body.toString()).toBe('0123456789')
    silent.destroy()
    half.destroy()
  })
})

describe('HTTP server: conditional and range requests', () => {
  it('304 when the client copy is current (If-Modified-Since, If-None-Match), 200 when not', async () => {
    const first = await get(port, '/digits.txt')
    const lastModified = first.headers.get('last-modified')!
    expect((await get(port, '/digits.txt', `If-Modified-Since: ${lastModified}\r\n`)).status).toBe(304)
    expect((await get(port, '/digits.txt', `If-None-Match: ${first.headers.get('etag')}\r\n`)).status).toBe(304)
    expect((await get(port, '/digits.txt', 'If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n')).status).toBe(200)
    expect((await get(port, '/digits.txt', 'If-Modified-Since: not a date\r\n')).status).toBe(200)
  })

  it('byte ranges: first, open-ended, suffix, beyond the end, and ignored when malformed', async () => {
    const range = (r: string): Promise<Awaited<ReturnType<typeof get>>> => get(port, '/digits.txt', `Range: ${r}\r\n`)
    const a = await range('bytes=0-3')
    expect([a.status, a.body.toString(), a.headers.get('content-range')]).toEqual([206, '0123', 'bytes 0-3/10'])
    expect((await range('bytes=7-')).body.toString()).toBe('789')
    expect((await range('bytes=-2')).body.toString()).toBe('89')
    expect((await range('bytes=5-100')).body.toString()).toBe('56789')
    const beyond = await range('bytes=10-')
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, 'bytes */10'])
    expect((await range('bytes=0-1,4-5')).status).toBe(200)
    expect((await range('lines=1-2')).status).toBe(200)
  })

  it('a range of a big file streamed from disk', async () => {
    const r = await get(port, '/big.bin', `Range: bytes=${BIG_SIZE - 5}-\r\n`)
    expect(r.status).toBe(206)
    expect(r.body.length).toBe(5)
    expect(r.body).toEqual(fs.readFileSync(path.join(site, 'big.bin')).subarray(BIG_SIZE - 5))
  })

  it('sees a file change on disk', async () => {
    const file = path.join(site, 'changing.txt')
    fs.writeFileSync(file, 'one')
    expect((await get(port, '/changing.txt')).body.toString()).toBe('one')
    fs.writeFileSync(file, 'two!')
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000))
    await new Promise((r) => setTimeout(r, 1100))
    expect((await get(port, '/changing.txt')).body.toString()).toBe('two!')
  })
})

describe('HTTP server: never a byte from outside the folder', () => {
  const attacks = [
    '/../secret.txt',
    '/../../../../../../etc/passwd',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%252e%252e/secret.txt',
    '/..\\secret.txt',
    '/..%5csecret.txt',
    '/%5c..%5csecret.txt',
    '/%2e%2e%5csecret.txt',
    '/secret.txt%00.html',
    '/index.html%00/../../secret.txt',
    '/./../secret.txt',
    '//../secret.txt',
    '/sub/../../secret.txt',
    '/sub/..%2f..%2fsecret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/%c0%af../secret.txt',
    '/..;/secret.txt',
    '/.../secret.txt',
    'http://lab/../secret.txt',
    '/link-out.txt',
    '/up/secret.txt',
    '/up/',
    '/up/private/index.html',
    '/passwd',
    '/sub/deeper/escape/',
    '/sub/deeper/escape/index.html',
    '/sub-alias/../../secret.txt',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/..%00/secret.txt'
  ]

  it.each(attacks)('%s is refused', async (target) => {
    const reply = await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n`)
    const text = reply.toString('latin1')
    expect(text).not.toContain(SECRET)
    expect(text).not.toMatch(/root:.*:0:0:/)
    expect(Number(text.split(' ')[1])).toBeGreaterThanOrEqual(400)
  })

  it('links that stay inside the folder are served', async () => {
    expect((await get(port, '/alias.html')).body.toString()).toBe('<h1>home</h1>\n')
    expect((await get(port, '/sub-alias/page.html')).body.toString()).toBe('<p>sub page</p>\n')
  })
})

describe('HTTP server: real clients', () => {
  it('curl over IPv4 and IPv6, a 3 MB file intact', async () => {
    for (const url of [`http://127.0.0.1:${port}/big.bin`, `http://[::1]:${port}/big.bin`]) {
      const r = await run('sh', ['-c', `curl -sS -g ${url} | sha256sum`])
      expect(r.stderr).toBe('')
      expect(r.stdout.split(' ')[0]).toBe(bigSha)
    }
  })

  it('four downloads at once, each intact (chunk buffers are reused between downloads)', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => run('sh', ['-c', `curl -sS http://127.0.0.1:${port}/big.bin | sha256sum`])))
    for (const r of results) expect(r.stdout.split(' ')[0]).toBe(bigSha)
  })

  it("the course's Python client reads the start of a page", async () => {
    const p = python('http_client.py', [], `http://127.0.0.1:${port}/sub/page.html\n\n`)
    expect(await p.exited).toBe(0)
    expect(p.stdout()).toContain('GET /sub/page.html HTTP/1.0')
    expect(p.stdout()).toMatch(/HTTP\/1.1 200 OK[\s\S]*<p>sub page<\/p>/)
  })

  it('the socklab client keeps the first MiB of a big reply and counts the rest', async () => {
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/big.bin`)
    expect(result.length).toBeGreaterThan(BIG_SIZE)
    // The reply is text now (UTF-8, U+FFFD for what is not): at most one character per byte kept.
    expect(result.reply.length).toBeLessThanOrEqual(1024 * 1024)
    const lines = t.lines(c.id)
    // Exactly the first MiB kept: the note counts the rest.
    expect(lines).toContain(`… (${(result.length - 1024 * 1024).toLocaleString('en')} more bytes received, not shown)`)
    expect(lines.at(-1)).toMatch(new RegExp(`^Reply read in [\\d,]+ recv\\(1500\\) calls until the server closed, ${result.length.toLocaleString('en')} bytes$`))
  })

  it('the socklab client reads the whole page, and counts its reads', async () => {
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv6' })
    const result = await t.lab.send(c.id, `http://[::1]:${port}/docs/notes.txt`)
    expect(result.reply).toMatch(/^HTTP\/1.1 200 OK\r\n[\s\S]*\r\n\r\nnotes\n$/)
  })
})

describe('HTTP server: the folder', () => {
  it('a missing folder or a file is refused in one sentence before listening', async () => {
    const lab = testLab()
    const missing = await lab.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: path.join(tmp, 'nope') }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(LabError)
    // Its English words, and what they mean for a window or a CLI to word in its language.
    expect(missing).toMatchObject({ message: `directory <${path.join(tmp, 'nope')}> does not exist`, code: 'ENOENT', said: { key: 'http:folder.doesNotExist', params: { root: path.join(tmp, 'nope') } } })
    await expect(lab.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: path.join(tmp, 'secret.txt') })).rejects.toThrow(/is not a directory$/)
    expect(lab.lab.list()).toEqual([])
    await lab.close()
  })
})
