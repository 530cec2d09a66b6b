// The socklab command against the course's own Python programs, both ways, IPv4 and IPv6,
// and against itself. Every peer is a real process on loopback.

import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, langEnv, python, ROOT, run, runSocklab, socklab, start, type Running } from './helpers/processes'

const running: Running[] = []
const keep = (p: Running): Running => (running.push(p), p)
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

const families = [
  ['IPv4', '127.0.0.1', '0.0.0.0', []],
  ['IPv6', '::1', '::', ['-6']]
] as const

/**
 * The course programs' lines are the same in every language socklab speaks: these run under an
 * English and an Italian lab PC's locale, with the same expected lines.
 */
const LOCALES = [
  ['English (LANG=C.UTF-8)', { env: langEnv('en') }],
  ['Italian (LANG=it_IT.UTF-8)', { env: langEnv('it') }]
] as const

describe.each(LOCALES)('%s', (_locale, lang) => {
  describe.each(families)('TCP over %s', (_f, client, any, six) => {
    it('socklab client → course Python server', async () => {
      const port = await freePort(client)
      const server = keep(python('tcp_server.py', ['-a', any, '-p', String(port)], undefined, lang))
      await server.waitFor(/Server waiting on/)
      const r = await runSocklab(['tcp-client', ...six, '-p', String(port)], 'hello world\n', undefined, lang)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(
        `Input lowercase sentence: Connected to server at (${client}, ${port})\nReceived reply <HELLO WORLD>\nConnection closed with server at (${client}, ${port})\n`
      )
      await server.waitFor(/Sent reply to/)
    })

    it('course Python client → socklab server', async () => {
      const port = await freePort(client)
      const server = keep(socklab(['tcp-server', ...six, '-p', String(port)], undefined, lang))
      await server.waitFor(new RegExp(`Server waiting on \\(${any.replace(/[.:]/g, '\\$&')}, ${port}\\)`))
      const r = python('tcp_client.py', ['-a', client, '-p', String(port)], 'hello world\n', lang)
      expect(await r.exited).toBe(0)
      expect(r.stdout()).toContain('Received reply <HELLO WORLD>')
      const out = await server.waitFor(/Sent reply to/)
      expect(out).toMatch(new RegExp(`Received request from \\(${client.replace(/[.:]/g, '\\$&')}, \\d+\\)`))
    })

    it('socklab client → socklab server, sentence from -m', async () => {
      const port = await freePort(client)
      const server = keep(socklab(['tcp-server', ...six, '-p', String(port), '--concurrent'], undefined, lang))
      await server.waitFor(/Server waiting on/)
      const r = await runSocklab(['tcp-client', ...six, '-p', String(port), '-m', 'ciao mondo'], undefined, undefined, lang)
      expect(r.stdout).toContain('Received reply <CIAO MONDO>')
    })
  })

  describe.each(families)('UDP over %s', (_f, client, any, six) => {
    it('socklab client → course Python server', async () => {
      const port = await freePort(client)
      const server = keep(python('udp_server.py', ['-a', any, '-p', String(port)], undefined, lang))
      await server.waitFor(/Server waiting on/)
      const r = await runSocklab(['udp-client', ...six, '-p', String(port), '-m', 'hello world'], undefined, undefined, lang)
      expect(r.code).toBe(0)
      expect(r.stdout).toBe('Waiting for server response...\nHELLO WORLD\n')
    })

    it('course Python client → socklab server', async () => {
      const port = await freePort(client)
      const server = keep(socklab(['udp-server', ...six, '-p', String(port)], undefined, lang))
      await server.waitFor(/Server waiting on/)
      const r = python('udp_client.py', ['-a', client, '-p', String(port)], 'hello world\n', lang)
      expect(await r.exited).toBe(0)
      expect(r.stdout()).toBe('Input lowercase sentence: Waiting for server response...\nHELLO WORLD\n')
      await server.waitFor(/Sent reply to/)
    })
  })

  describe('a server bound to :: prints an IPv4 peer as the course\'s Python server does', () => {
    it.each([
      ['TCP', 'tcp_server.py', 'tcp-server', 'tcp-client'],
      ['UDP', 'udp_server.py', 'udp-server', 'udp-client']
    ])('%s', async (_proto, script, server, client) => {
      const lines: string[] = []
      for (const peer of [
        (port: number) => python(script, ['-a', '::', '-p', String(port)], undefined, lang),
        (port: number) => socklab([server, '-6', '-p', String(port)], undefined, lang)
      ]) {
        const port = await freePort('::')
        const p = keep(peer(port))
        await p.waitFor(/Server waiting on \(::, \d+\)/)
        const r = await runSocklab([client, '-a', '127.0.0.1', '-p', String(port), '-m', 'mapped'], undefined, undefined, lang)
        expect(r.code).toBe(0)
        lines.push((await p.waitFor(/Received request from .*\n/)).match(/Received request from \((.*), \d+\)/)![1])
      }
      expect(lines).toEqual(['::ffff:127.0.0.1', '::ffff:127.0.0.1'])
    })
  })

  describe.each(families)('HTTP over %s', (_f, client, any, six) => {
    const SITE = path.join(ROOT, 'resources', 'sample-site', 'en')
    const url = (port: number, p: string): string => `http://${client.includes(':') ? `[${client}]` : client}:${port}${p}`

    it('curl and the course Python client → socklab http-server', async () => {
      const port = await freePort(client)
      const server = keep(socklab(['http-server', ...six, '-p', String(port), '-d', SITE], undefined, lang))
      await server.waitFor(new RegExp(`^Serving at port ${port}/tcp \\.\\.\\.$`, 'm'))
      const page = await run('curl', ['-sS', '-g', '-D', '-', url(port, '/data/hello.txt')])
      expect(page.stdout).toMatch(/^HTTP\/1.1 200 OK\r\n[\s\S]*Content-Type: text\/plain; charset=utf-8\r\n[\s\S]*\r\n\r\nhello world\n$/)
      const course = python('http_client.py', [], `${url(port, '/about.html')}\n\n`, lang)
      expect(await course.exited).toBe(0)
      expect(course.stdout()).toContain('GET /about.html HTTP/1.0')
      expect(course.stdout()).toContain('<h1>About this site</h1>')
      await server.waitFor(/"GET \/about.html HTTP\/1.0" 200 \d+/)
    })

    it('socklab http-client → Python http.server, whole reply and --recv-once', async () => {
      const port = await freePort(client)
      const server = keep(start('python3', ['-m', 'http.server', String(port), '--bind', client, '-d', SITE]))
      await waitForPort(client, port)
      const whole = await runSocklab(['http-client', ...six, url(port, '/')], undefined, undefined, lang)
      expect(whole.code).toBe(0)
      expect(whole.stdout).toContain('GET / HTTP/1.0\r\n')
      expect(whole.stdout).toMatch(/HTTP\/1.0 200 OK/)
      expect(whole.stdout).toContain('</html>')
      const once = await runSocklab(['http-client', ...six, '--recv-once', url(port, '/about.html')], undefined, undefined, lang)
      expect(once.code).toBe(0)
      expect(once.stdout).not.toContain('</html>')
      // Python's server writes the header and the body separately: the one recv() may hold the header
      // alone, far below 1,500 bytes, and is still judged against Content-Length.
      const size = fs.statSync(path.join(SITE, 'about.html')).size
      // socklab's own summary in the CLI's language (the http catalog's client.readOnce), numbers as it writes them.
      const summary = _locale.startsWith('Italian')
        ? `\nRisposta letta con una sola recv\\(1500\\), come nel corso: [\\d.]+ byte, troncata: Content-Length dice ${size} byte di corpo, questa recv\\(\\) ne ha ricevuti [\\d.]+, quindi [\\d.]+ byte non (?:è mai stato letto|sono mai stati letti)\n$`
        : `\nReply read in one recv\\(1500\\) as in the course: [\\d,]+ bytes, truncated: Content-Length says ${size} body bytes, this recv\\(\\) got [\\d,]+, so [\\d,]+ were never read\n$`
      expect(once.stdout).toMatch(new RegExp(summary))
      void server
    })
  })
})

describe.each(LOCALES)('the course\'s own argument errors, in %s: the Python program\'s line, byte for byte', (_locale, lang) => {
  it.each([
    ['tcp_client.py', 'tcp-client', ['-p', '80']],
    ['tcp_server.py', 'tcp-server', ['-p', '70000']],
    ['udp_client.py', 'udp-client', ['-p', 'abc']],
    ['udp_server.py', 'udp-server', ['-p', '1023']]
  ])('%s / socklab %s %j', async (script, program, args) => {
    const course = python(script, args, '', lang)
    await course.exited
    const line = course.stdout().split('\n')[0]
    expect(line).toBe('ERROR: -p option must be an integer in 1024..65535')
    const r = await runSocklab([program, ...args], 'x\n', undefined, lang)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`${line}\n`)
  })
})

describe('bad input and network failures: one ERROR line, the right exit status, no stack trace', () => {
  it.each([
    [['tcp-server', '-p', '80'], 2, 'ERROR: -p option must be an integer in 1024..65535'],
    [['tcp-client', '-p', '70000'], 2, 'ERROR: -p option must be an integer in 1024..65535'],
    [['udp-server', '-p', 'abc'], 2, 'ERROR: -p option must be an integer in 1024..65535'],
    [['tcp-client', '-a', '300.1.1.1', '-m', 'x'], 2, 'ERROR: invalid address <300.1.1.1>'],
    [['udp-client', '-a', 'not valid', '-m', 'x'], 2, 'ERROR: invalid address <not valid>'],
    [['tcp-server', '--bogus'], 2, "ERROR: unknown option '--bogus'"],
    [['tcp-server', '-p'], 2, "ERROR: option '-p"],
    [['udp-client', '--timeout', 'soon', '-m', 'x'], 2, 'ERROR: --timeout must be a number of seconds'],
    [['ftp-server'], 2, 'ERROR: unknown program <ftp-server>'],
    [['tcp-client', '-a', 'no-such-host.invalid', '-m', 'x'], 1, 'ERROR: cannot resolve host <no-such-host.invalid>'],
    [['http-client', 'https://example.com/'], 2, 'ERROR: Error in parsing URL <https://example.com/>: only http://'],
    [['http-client', 'http://[::1/'], 2, 'ERROR: Error in parsing URL']
  ])('socklab %j', async (args, status, start) => {
    const r = await runSocklab(args as string[])
    expect(r.code).toBe(status)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0].startsWith(start)).toBe(true)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('a missing directory for the HTTP server', async () => {
    const r = await runSocklab(['http-server', '-p', String(await freePort()), '-d', '/no/such/dir'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('ERROR: directory </no/such/dir> does not exist\n')
  })

  it('connection refused', async () => {
    const port = await freePort()
    const r = await runSocklab(['tcp-client', '-p', String(port), '-m', 'x'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`ERROR: connection refused by (127.0.0.1, ${port}): no server is listening there\n`)
  })

  it('port already in use', async () => {
    const port = await freePort()
    const first = keep(socklab(['tcp-server', '-a', '127.0.0.1', '-p', String(port)]))
    await first.waitFor(/Server waiting on/)
    const r = await runSocklab(['tcp-server', '-a', '127.0.0.1', '-p', String(port)])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`ERROR: port ${port} is already in use on 127.0.0.1: another program (or another server) is listening there\n`)
  })

  it('a UDP client with nobody listening gives up after --timeout', async () => {
    const port = await freePort()
    const r = await runSocklab(['udp-client', '-p', String(port), '-m', 'x', '--timeout', '0.5'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('Waiting for server response...\n')
    expect(r.stderr).toMatch(/^ERROR: no reply from \(127\.0\.0\.1, \d+\) within 0\.5 s: .*UDP does not retransmit\)\n$/)
  })

  it('no program named is a usage error: the list of programs on stderr, exit 2; -h is the same list on stdout, exit 0', async () => {
    const bare = await runSocklab([])
    expect(bare.code).toBe(2)
    expect(bare.stdout).toBe('')
    expect(bare.stderr).toMatch(/^Usage: socklab <program>/)
    const help = await runSocklab(['-h'])
    expect(help.code).toBe(0)
    expect(help.stdout).toBe(bare.stderr)
  })

  it('-h prints a usage text for every program', async () => {
    for (const program of ['tcp-server', 'tcp-client', 'udp-server', 'udp-client', 'http-server', 'http-client', 'web']) {
      const r = await runSocklab([program, '-h'])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^Usage: socklab ${program}`))
    }
  })
})

/** Resolves once something accepts connections on host:port (for peers that print nothing when ready). */
async function waitForPort(host: string, port: number, ms = 8000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port }, () => (s.destroy(), resolve(true)))
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing listening on ${host}:${port} after ${ms} ms`)
}
