// The socklab command as a Unix tool: through real shell pipes it prints exactly what it prints to
// a file, a reader that stops early ends it quietly, and it never hangs on what it can refuse.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, langEnv, python, run, socklab, SOCKLAB, start, type Running } from './helpers/processes'

const running: Running[] = []
const keep = (p: Running): Running => (running.push(p), p)
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

/** The socklab command as a shell sees it. */
const cmd = `"${process.execPath}" "${SOCKLAB}"`
const sh = (script: string, ms?: number): ReturnType<typeof run> => run('sh', ['-c', script], undefined, ms)

let tmp: string
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-pipes-'))
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('a long HTTP reply through a pipe', () => {
  // 8,000 numbered lines, 570 KB: far more than a pipe holds (64 KiB), less than the 1 MiB shown.
  const LINES = 8000
  let url: string
  // Stopped in this describe's own afterAll: one registered inside beforeAll never runs, and the server outlived every run.
  let server: Running | undefined
  afterAll(() => server?.stop())

  beforeAll(async () => {
    const site = path.join(tmp, 'site')
    fs.mkdirSync(site)
    const body = Array.from({ length: LINES }, (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(60)}\n`).join('')
    fs.writeFileSync(path.join(site, 'long.txt'), body)
    const port = await freePort()
    server = socklab(['http-server', '-a', '127.0.0.1', '-p', String(port), '-d', site])
    await server.waitFor(/^Serving at port/m)
    url = `http://127.0.0.1:${port}/long.txt`
  })

  /** The reply's Date header and Node's chunking (hence the number of reads) differ from run to run. */
  const stable = (out: string): string => out.replace(/^Date: .*$/m, 'Date: …').replace(/Reply read in \d+ recv/, 'Reply read in N recv')

  it('| cat prints exactly what a file gets, summary line included', async () => {
    const file = path.join(tmp, 'reply.txt')
    const toFile = await sh(`${cmd} http-client ${url} > "${file}"`)
    expect(toFile.code).toBe(0)
    const written = fs.readFileSync(file, 'utf8')
    expect(written.length).toBeGreaterThan(500_000)
    expect(written).toMatch(/\nReply read in \d+ recv\(1500\) calls until the server closed, [\d,]+ bytes\n$/)

    const piped = await sh(`${cmd} http-client ${url} | cat`)
    expect(piped.code).toBe(0)
    expect(piped.stderr).toBe('')
    expect(piped.stdout.length).toBe(written.length)
    expect(stable(piped.stdout)).toBe(stable(written))
  })

  it('| grep sees every line and the summary', async () => {
    const count = await sh(`${cmd} http-client ${url} | grep -c '^line '`)
    expect(count.stdout.trim()).toBe(String(LINES))
    const summary = await sh(`${cmd} http-client ${url} | grep '^Reply read in'`)
    expect(summary.stdout).toMatch(/^Reply read in \d+ recv\(1500\) calls until the server closed, [\d,]+ bytes\n$/)
  })

  it('| head -3 ends it quietly: three lines, no EPIPE, no stack trace, status 0', async () => {
    const r = await sh(`(${cmd} http-client ${url}; echo "socklab status $?" >&2) | head -3`)
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([`Connecting to server at (127.0.0.1, ${new URL(url).port}) `, 'GET /long.txt HTTP/1.0\r', '\r'])
    expect(r.stderr).toBe('socklab status 0\n')
  })
})

describe('a server whose reader stops early', () => {
  it('tcp-server | head -2 prints two lines, then ends quietly at its next line and frees the port', async () => {
    const port = await freePort()
    const pipeline = keep(start('sh', ['-c', `(${cmd} tcp-server -a 127.0.0.1 -p ${port}; echo "socklab status $?" >&2) | head -2`]))
    // head shows nothing until it exits (its own output is buffered): clients go until the pipeline
    // ends. The first ones may come before the server listens; head has its two lines after the
    // first served client, and the server notices at its next write.
    let ended = false
    void pipeline.exited.then(() => (ended = true))
    for (let i = 0; i < 60 && !ended; i++) {
      await run(process.execPath, [SOCKLAB, 'tcp-client', '-p', String(port), '-m', `hello ${i}`], undefined, 5000)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await pipeline.exited).toBe(0)
    expect(pipeline.stdout()).toMatch(/^Server waiting on \(127\.0\.0\.1, \d+\)\nReceived request from \(127\.0\.0\.1, \d+\)\n$/)
    // socklab's own note on a loopback-bound server (a partner cannot reach it), then the status.
    expect(pipeline.stderr().replace(/^socklab: bound to 127\.0\.0\.1 \(loopback\).*\n/m, '')).toBe('socklab status 0\n')
    // The port is free again.
    const again = keep(socklab(['tcp-server', '-a', '127.0.0.1', '-p', String(port)]))
    await again.waitFor(/Server waiting on/)
  })
})

describe('no hang on an empty sentence', () => {
  it('tcp-client -m "" is refused in one line, and the course server stays free for the next client', async () => {
    const port = await freePort()
    const server = keep(python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)]))
    await server.waitFor(/Server waiting on/)
    for (const [args, input] of [
      [['-m', ''], undefined],
      [[], '\n']
    ] as const) {
      const r = await run(process.execPath, [SOCKLAB, 'tcp-client', '-p', String(port), ...args], input, 8000)
      expect(r.code).toBe(2)
      expect(r.stderr).toBe('ERROR: an empty sentence puts nothing on the wire: TCP would send 0 bytes and both programs would wait in recv() forever (type at least one character)\n')
    }
    const next = await run(process.execPath, [SOCKLAB, 'tcp-client', '-p', String(port), '-m', 'next'], undefined, 8000)
    expect(next.stdout).toContain('Received reply <NEXT>')
  })

  it('an empty UDP datagram is a real packet: the course server answers it with an empty one', async () => {
    const port = await freePort()
    const server = keep(python('udp_server.py', ['-a', '127.0.0.1', '-p', String(port)]))
    await server.waitFor(/Server waiting on/)
    const r = await run(process.execPath, [SOCKLAB, 'udp-client', '-p', String(port), '-m', ''], undefined, 8000)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('Waiting for server response...\n\n')
  })

  it('tcp-client --timeout gives up on a server that accepts and never answers', async () => {
    const silent = net.createServer(() => undefined)
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve))
    const port = (silent.address() as net.AddressInfo).port
    try {
      const began = Date.now()
      const r = await run(process.execPath, [SOCKLAB, 'tcp-client', '-p', String(port), '-m', 'hello', '--timeout', '0.5'], undefined, 10_000)
      expect(r.code).toBe(1)
      expect(r.stdout).toBe(`Connected to server at (127.0.0.1, ${port})\nConnection closed with server at (127.0.0.1, ${port})\n`)
      expect(r.stderr).toBe(`ERROR: no reply from (127.0.0.1, ${port}) within 0.5 s: the server is busy (an iterative server serves one client at a time) or never answered\n`)
      expect(Date.now() - began).toBeLessThan(8000)
    } finally {
      silent.close()
    }
  })

  it.each([
    [['tcp-client', '--timeout', '0'], 'ERROR: --timeout must be a number of seconds in 0.1..600'],
    [['tcp-client', '--timeout', '601'], 'ERROR: --timeout must be a number of seconds in 0.1..600'],
    [['udp-client', '--timeout', '120.5', '-m', 'x', '-p', '1'], 'ERROR: -p option must be an integer in 1024..65535'],
    [['udp-client', '--timeout', 'soon'], 'ERROR: --timeout must be a number of seconds in 0.1..600'],
    [['udp-server', '--recv-size', '0'], 'ERROR: --recv-size must be an integer in 1..65536'],
    [['tcp-server', '--idle-timeout', '3601'], 'ERROR: --idle-timeout must be a number of seconds in 0..3600 (0 waits forever)']
  ])('socklab %j is refused with the shared rule', async (args, line) => {
    const r = await run(process.execPath, [SOCKLAB, ...args], '', 8000)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`${line}\n`)
  })
})

describe('http-client arguments', () => {
  it('a URL it cannot use is bad input: one line, status 2, and no fetch of the URLs after it', async () => {
    const r = await run(process.execPath, [SOCKLAB, 'http-client', 'ftp://x/', 'http://127.0.0.1:1/'], '', 8000)
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('ERROR: Error in parsing URL <ftp://x/>: only http:// is supported (ftp:// needs more than a raw socket)\n')
  })
})

describe('socklab web', () => {
  /** A folder on PATH with a stand-in for the desktop's opener that records what it was asked to open. */
  function fakeOpener(): { dir: string; log: string } {
    const dir = fs.mkdtempSync(path.join(tmp, 'bin-'))
    const log = path.join(dir, 'opened.txt')
    fs.writeFileSync(path.join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" >> "${log}"\n`, { mode: 0o755 })
    return { dir, log }
  }
  const urlOf = async (p: Running): Promise<string> => / (http:\/\/\S+)\n/.exec(await p.waitFor(/ http:\/\/\S+\n/))![1]

  it.runIf(process.platform === 'linux')('opens the page in the default browser, and --no-open does not', async () => {
    const opener = fakeOpener()
    const env = { ...process.env, PATH: `${opener.dir}:/usr/bin:/bin` }
    const host = keep(start(process.execPath, [SOCKLAB, 'web', '-p', '0'], undefined, { env }))
    const url = await urlOf(host)
    // The opener gets a private page that leads to the address, never the address (its token) itself.
    await expect.poll(() => fs.existsSync(opener.log) && fs.readFileSync(opener.log, 'utf8'), { timeout: 8000 }).toMatch(/^file:\/\/\S+\n$/)
    const opened = fs.readFileSync(opener.log, 'utf8')
    expect(opened).not.toContain(new URL(url).searchParams.get('token'))
    expect(fs.readFileSync(fileURLToPath(opened.trim()), 'utf8')).toContain(`content="0;url=${url}"`)

    // Killed (kill -9), it cannot remove its page: its watchdog does, within seconds.
    const page = path.dirname(fileURLToPath(opened.trim()))
    host.child.kill('SIGKILL')
    await host.exited
    await expect.poll(() => fs.existsSync(page), { timeout: 5000 }).toBe(false)

    const quiet = keep(start(process.execPath, [SOCKLAB, 'web', '-p', '0', '--no-open'], undefined, { env }))
    const quietUrl = await urlOf(quiet)
    expect((await fetch(quietUrl)).status).toBe(200)
    await new Promise((r) => setTimeout(r, 500))
    expect(fs.readFileSync(opener.log, 'utf8')).toBe(opened)
  })

  it.runIf(process.platform === 'linux')('with no browser to open, it says to paste the address into the browser and goes on serving', async () => {
    const empty = fs.mkdtempSync(path.join(tmp, 'nobin-'))
    const temp = fs.mkdtempSync(path.join(tmp, 'temp-'))
    const host = keep(start(process.execPath, [SOCKLAB, 'web', '-p', '0'], undefined, { env: { ...langEnv('en'), PATH: empty, TMPDIR: temp } }))
    const url = await urlOf(host)
    await host.waitFor(/^\(no browser could be opened here: paste the address above into the address bar of your browser\)$/m)
    // The page made for the browser that never came is gone at once, not at Ctrl-C.
    expect(fs.readdirSync(temp)).toEqual([])
    expect((await fetch(url)).status).toBe(200)
    expect(host.stderr()).toBe('')
  })
})
