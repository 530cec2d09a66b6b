// `socklab check` as a student and an instructor run it: the built command in real processes,
// against the course's own Python programs (every item ✓, exit 0) and against programs broken on
// purpose (test/fixtures/broken), each failing the item it breaks with its "expected …, saw …",
// exit 1. Also: Gradescope's JSON shape, a broken case file reported while the others run, the
// busy default port, and nothing left running after a check.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createI18n } from '../src/shared/i18n/i18n'
import { checkUsage } from '../src/cli/check-command'
import { setCliLang } from '../src/cli/words'
import { COURSE, freePort, langEnv, ROOT, runSocklab, start, type Finished, type Running } from './helpers/processes'

const BROKEN = path.join(ROOT, 'test', 'fixtures', 'broken')
const PINGER = path.join(ROOT, 'test', 'fixtures', 'pinger')
const en = createI18n('en').t
const it_ = createI18n('it').t

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

/** A Python server of the course (or a broken one), started on `port` and waited for. */
async function server(script: string, args: string[]): Promise<Running> {
  const p = start('python3', ['-u', script, ...args])
  running.push(p)
  await p.waitFor(/Server waiting on|Serving at port/)
  return p
}

const check = (args: string[], lang: 'en' | 'it' = 'en', ms = 60_000): Promise<Finished> => runSocklab(['check', ...args], undefined, ms, { env: langEnv(lang) })

/** The item lines of a checklist: mark and id. */
function marks(out: string): Record<string, string> {
  const m: Record<string, string> = {}
  for (const line of out.split('\n')) {
    const x = /^([✓✗–]) .* \[([a-z0-9-]+)\]/.exec(line)
    if (x) m[x[2]] = x[1]
  }
  return m
}

/** The detail line under item `id`. */
const detail = (out: string, id: string): string => {
  const lines = out.split('\n')
  const at = lines.findIndex((l) => l.includes(`[${id}]`))
  return (lines[at + 1] ?? '').trim()
}

/** A process that exists and is not a zombie waiting to be reaped (its parent, killed too, cannot reap it). */
function alive(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z'
  } catch {
    return false
  }
}

const allPassed = (r: Finished, ids: string[]): void => {
  expect(r.stderr, r.stdout).toBe('')
  expect(Object.values(marks(r.stdout)), r.stdout).toEqual(ids.map(() => '✓'))
  expect(Object.keys(marks(r.stdout))).toEqual(ids)
  expect(r.stdout).toContain(en('check:report.allPassed'))
  expect(r.code, r.stdout).toBe(0)
}

const TCP_SERVER = ['listens', 'answers', 'upper-case', 'first-1024', 'two-clients', 'silent-client']

describe('socklab check against the course programs: every item ✓, exit 0', () => {
  it('tcp-server, IPv4 and IPv6; the iterative design said as such, and refused under --concurrent', async () => {
    const port = await freePort()
    await server(path.join(COURSE, 'tcp_server.py'), ['-a', '::', '-p', String(port)])
    const r = await check(['tcp-server', '-p', String(port)])
    allPassed(r, TCP_SERVER)
    expect(detail(r.stdout, 'silent-client')).toBe(en('check:note.iterative'))
    allPassed(await check(['tcp-server', '-6', '-p', String(port)]), TCP_SERVER)
    const strict = await check(['tcp-server', '-p', String(port), '--concurrent'])
    expect(strict.code).toBe(1)
    expect(marks(strict.stdout)['silent-client']).toBe('✗')
    expect(detail(strict.stdout, 'silent-client')).toBe(en('check:report.expectedSaw', { expected: en('check:expect.servedWhileSilent', { ms: 1500 }), saw: en('check:saw.waitedForSilent') }))
  })

  it('tcp-server --concurrent passes a concurrent server (socklab tcp-server --concurrent), and says it is one', async () => {
    const port = await freePort()
    const p = start(process.execPath, [path.join(ROOT, 'bin', 'socklab.js'), 'tcp-server', '--concurrent', '-p', String(port)])
    running.push(p)
    await p.waitFor(/Server waiting on/)
    const r = await check(['tcp-server', '-p', String(port), '--concurrent'])
    allPassed(r, TCP_SERVER)
    expect(detail(r.stdout, 'silent-client')).toBe(en('check:note.concurrent'))
  })

  it('udp-server, one the student started and one socklab starts ({port}); a port nothing is bound to is said so', async () => {
    const UDP = ['answers', 'upper-case', 'first-2048', 'two-clients']
    const port = await freePort()
    await server(path.join(COURSE, 'udp_server.py'), ['-p', String(port)])
    allPassed(await check(['udp-server', '-p', String(port)]), UDP)
    allPassed(await check(['udp-server', '--', 'python3', path.join(COURSE, 'udp_server.py'), '-p', '{port}']), UDP)
    const nobody = await freePort()
    const r = await check(['udp-server', '-p', String(nobody)])
    expect(r.code).toBe(1)
    expect(detail(r.stdout, 'answers')).toBe(`expected a datagram in reply, saw port unreachable at (127.0.0.1, ${nobody}): nothing is bound there`)
  })

  const HTTP = ['listens', 'status-line', 'ok-html', 'content-type', 'ok-binary', 'subfolder', 'not-found']

  it('http-server run by socklab in a folder of test files ({port}), and one the student started, with --root; the test files removed after', async () => {
    allPassed(await check(['http-server', '--', 'python3', path.join(COURSE, 'http_server.py'), '{port}']), HTTP)
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'check-root-'))
    try {
      const port = await freePort()
      const p = start('python3', ['-u', path.join(COURSE, 'http_server.py'), String(port)])
      running.push(p)
      await p.waitFor(/Serving at port/)
      // SimpleHTTPRequestHandler serves the folder it runs in: the student starts it in `root`.
      await p.stop()
      const q = start('sh', ['-c', `cd ${JSON.stringify(root)} && exec python3 -u ${JSON.stringify(path.join(COURSE, 'http_server.py'))} ${port}`])
      running.push(q)
      await q.waitFor(/Serving at port/)
      allPassed(await check(['http-server', '-p', String(port), '--root', root]), HTTP)
      expect(fs.readdirSync(root)).toEqual([])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })

  it('tcp-client and udp-client, with {host} and {port}, IPv4 and IPv6', async () => {
    const ids = ['connects', 'sends-input', 'prints-reply', 'closes', 'exits']
    allPassed(await check(['tcp-client', '--', 'python3', path.join(COURSE, 'tcp_client.py'), '-a', '{host}', '-p', '{port}']), ids)
    allPassed(await check(['tcp-client', '-6', '--', 'python3', path.join(COURSE, 'tcp_client.py'), '-a', '{host}', '-p', '{port}']), ids)
    allPassed(await check(['udp-client', '--', 'python3', path.join(COURSE, 'udp_client.py'), '-a', '{host}', '-p', '{port}']), ['connects', 'sends-input', 'prints-reply', 'exits'])
  })

  it('udp-ping-client: every reply with its RTT and every ping the server dropped on purpose reported', async () => {
    const r = await check(['udp-ping-client', '--', 'python3', path.join(PINGER, 'udp_pinger_client.py'), '{host}', '{port}'])
    allPassed(r, ['pings', 'ping-format', 'reports-replies', 'reports-losses', 'exits'])
    // The case's seed drops some pings: the check had losses to see.
    expect(detail(r.stdout, 'reports-losses')).toBe(en('check:note.losses', { count: 3, sent: 10, seqs: '6, 9, 10' }))
  })
})

describe('socklab check against programs broken on purpose: the item each breaks, with its expected/saw, exit 1', () => {
  async function tcpServerCheck(script: string): Promise<Finished> {
    const port = await freePort()
    await server(path.join(BROKEN, script), ['-p', String(port)])
    const r = await check(['tcp-server', '-p', String(port)])
    expect(r.code, r.stdout).toBe(1)
    return r
  }

  it('no upper-casing: upper-case fails, the rest passes', async () => {
    const r = await tcpServerCheck('tcp_server_no_upper.py')
    expect(marks(r.stdout)).toEqual({ listens: '✓', answers: '✓', 'upper-case': '✗', 'first-1024': '✓', 'two-clients': '✓', 'silent-client': '✓' })
    expect(detail(r.stdout, 'upper-case')).toBe('expected 26 bytes "HELLO WORLD, FROM SOCKLAB!", saw 26 bytes "hello world, from socklab!"')
    expect(r.stdout).toContain('Score: 8/11')
  })

  it('no 1,024-byte cut: first-1024 fails, the rest passes', async () => {
    const r = await tcpServerCheck('tcp_server_no_cut.py')
    expect(marks(r.stdout)).toEqual({ listens: '✓', answers: '✓', 'upper-case': '✓', 'first-1024': '✗', 'two-clients': '✓', 'silent-client': '✓' })
    const digits = '0123456789'.repeat(4)
    expect(detail(r.stdout, 'first-1024')).toBe(`expected 1,024 bytes "${digits}…", saw 3,000 bytes "${digits}…"`)
  })

  it('closes without replying: the gate "answers" fails and the items after it are not run', async () => {
    const r = await tcpServerCheck('tcp_server_no_reply.py')
    expect(marks(r.stdout)).toEqual({ listens: '✓', answers: '✗', 'upper-case': '–', 'first-1024': '–', 'two-clients': '–', 'silent-client': '–' })
    expect(detail(r.stdout, 'answers')).toBe('expected a reply on the connection, saw the connection closed with no reply')
    expect(detail(r.stdout, 'upper-case')).toBe(en('check:report.skipped', { gate: en('check:items.tcpServer.answers') }))
    expect(r.stdout).toContain('Score: 1/11')
  })

  it('nothing listening: the gate "listens" fails with the refusal, in Italian too', async () => {
    const port = await freePort()
    const r = await check(['tcp-server', '-p', String(port)], 'it')
    expect(r.code).toBe(1)
    expect(marks(r.stdout).listens).toBe('✗')
    expect(detail(r.stdout, 'listens')).toBe(
      it_('check:report.expectedSaw', { expected: it_('check:expect.accepts', { place: `(127.0.0.1, ${port})` }), saw: it_('check:saw.refused', { place: `(127.0.0.1, ${port})` }) })
    )
    expect(detail(r.stdout, 'listens')).toMatch(/^atteso una connessione accettata su \(127\.0\.0\.1, \d+\), visto connessione rifiutata/)
  })

  it('no 404: not-found fails with the status line it got', async () => {
    const r = await check(['http-server', '--', 'python3', path.join(BROKEN, 'http_server_no_404.py'), '{port}'])
    expect(r.code).toBe(1)
    expect(marks(r.stdout)).toEqual({ listens: '✓', 'status-line': '✓', 'ok-html': '✓', 'content-type': '✓', 'ok-binary': '✓', subfolder: '✓', 'not-found': '✗' })
    expect(detail(r.stdout, 'not-found')).toMatch(/^expected status 404 for GET \/socklab-check-[0-9a-f]{8}\/no-such-file\.html, saw "HTTP\/1\.0 200 OK"$/)
  })

  it('a pinger client that never reports a loss: reports-losses fails, naming the pings dropped', async () => {
    const r = await check(['udp-ping-client', '--', 'python3', path.join(BROKEN, 'udp_pinger_client_no_loss.py'), '{host}', '{port}'])
    expect(r.code).toBe(1)
    expect(marks(r.stdout)).toEqual({ pings: '✓', 'ping-format': '✓', 'reports-replies': '✓', 'reports-losses': '✗', exits: '✓' })
    expect(detail(r.stdout, 'reports-losses')).toBe('expected 3 lines matching /timed out/i (pings 6, 9, 10 were dropped), saw 0 lines')
  })
})

/** Gradescope's autograder results.json, as its documentation gives it. */
const Gradescope = z.object({
  score: z.number(),
  max_score: z.number(),
  output: z.string().optional(),
  tests: z.array(z.object({ name: z.string().min(1), score: z.number(), max_score: z.number(), output: z.string(), status: z.enum(['passed', 'failed']).optional() }))
})

describe('socklab check --json and --cases, for an instructor', () => {
  it('--json is Gradescope\'s shape, one test per item with its id, in the chosen language', async () => {
    const port = await freePort()
    await server(path.join(BROKEN, 'tcp_server_no_upper.py'), ['-p', String(port)])
    const r = await check(['tcp-server', '-p', String(port), '--json', '--lang', 'it'])
    expect(r.code).toBe(1)
    const json = Gradescope.parse(JSON.parse(r.stdout))
    expect(json.score).toBe(8)
    expect(json.max_score).toBe(11)
    expect(json.tests).toHaveLength(6)
    const upper = json.tests.find((t) => t.name.includes('tcp-server/upper-case'))!
    expect(upper).toMatchObject({ name: `${it_('check:items.tcpServer.upperCase')} [tcp-server/upper-case]`, score: 0, max_score: 3, status: 'failed' })
    expect(upper.output).toBe('✗ tcp-server/upper-case: atteso 26 byte "HELLO WORLD, FROM SOCKLAB!", visto 26 byte "hello world, from socklab!"')
    expect(json.tests.filter((t) => t.status === 'passed').map((t) => t.score)).toEqual([1, 1, 2, 2, 2])
  })

  it('a broken case file is reported in one line while socklab\'s cases and the good file still run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-cases-'))
    try {
      fs.writeFileSync(
        path.join(dir, 'a-good.json'),
        JSON.stringify({
          id: 'shout',
          check: 'udp-server',
          items: [{ id: 'shout', title: { en: 'Shouts back', it: 'Risponde gridando' }, weight: 5, probe: { kind: 'datagram', send: 'abc def', expect: { reply: { text: 'ABC DEF' } } } }]
        })
      )
      fs.writeFileSync(path.join(dir, 'b-broken.json'), JSON.stringify({ id: 'oops', check: 'udp-server', items: [{ id: 'x', title: { en: 'X' }, probe: { kind: 'telepathy' } }] }))
      fs.writeFileSync(path.join(dir, 'c-not-json.json'), '{ "id": "half", ')
      fs.writeFileSync(path.join(dir, 'd-other-check.json'), JSON.stringify({ id: 'web', check: 'http-server', items: 'broken, but not this check\'s' }))
      const port = await freePort()
      await server(path.join(COURSE, 'udp_server.py'), ['-p', String(port)])
      const r = await check(['udp-server', '-p', String(port), '--cases', dir])
      expect(r.code, r.stdout).toBe(1)
      const problems = r.stdout.split('\n').filter((l) => l.startsWith('✗ '))
      expect(problems).toHaveLength(2)
      expect(problems[0]).toMatch(new RegExp(`^✗ case file .*b-broken\\.json cannot be used: items\\.0\\.probe\\.kind: `))
      expect(problems[1]).toMatch(/^✗ case file .*c-not-json\.json cannot be used: .*JSON/)
      expect(marks(r.stdout)).toEqual({ answers: '✓', 'upper-case': '✓', 'first-2048': '✓', 'two-clients': '✓', shout: '✓' })
      expect(r.stdout).toContain('✓ Shouts back [shout] 5/5')
      expect(r.stdout).toContain('Score: 13/13')
      // In Italian, the schema's complaint too (zod's Italian locale).
      const itr = await check(['udp-server', '-p', String(port), '--cases', dir], 'it')
      const itProblems = itr.stdout.split('\n').filter((l) => l.startsWith('✗ '))
      expect(itProblems[0]).toMatch(/^✗ il file di casi .*b-broken\.json non è utilizzabile: items\.0\.probe\.kind: .*non valid/i)
      expect(itProblems[1]).toMatch(/^✗ il file di casi .*c-not-json\.json non è utilizzabile: non è JSON: /)
      // --no-builtin: only the instructor's cases.
      const only = await check(['udp-server', '-p', String(port), '--cases', path.join(dir, 'a-good.json'), '--no-builtin', '--lang', 'it'])
      expect(only.code, only.stdout).toBe(0)
      expect(Object.keys(marks(only.stdout))).toEqual(['shout'])
      expect(only.stdout).toContain('✓ Risponde gridando [shout] 5/5')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('socklab check leaves nothing behind, and says what stops it', () => {
  it('without {port} it serves on 127.0.0.1:12000, and says so when that port is busy (en, it)', async () => {
    const blocker = net.createServer()
    // Busy either way: ours, or another program's already.
    await new Promise<void>((resolve) => {
      blocker.once('error', () => resolve())
      blocker.listen({ host: '127.0.0.1', port: 12000, exclusive: true }, () => resolve())
    })
    try {
      const r = await check(['tcp-client', '--', 'python3', path.join(COURSE, 'tcp_client.py')])
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(`ERROR: ${en('check:setup.portBusyDefault', { port: 12000, place: '(127.0.0.1, 12000)' })}\n`)
      expect(r.stderr).toContain('port 12000 is busy at (127.0.0.1, 12000), where the course\'s clients look by default')
      const i = await check(['tcp-client', '--', 'python3', path.join(COURSE, 'tcp_client.py')], 'it')
      expect(i.stderr).toBe(`ERROR: ${it_('check:setup.portBusyDefault', { port: 12000, place: '(127.0.0.1, 12000)' })}\n`)
      const j = await check(['tcp-client', '--json', '--', 'python3', path.join(COURSE, 'tcp_client.py')])
      expect(Gradescope.parse(JSON.parse(j.stdout))).toMatchObject({ score: 0, tests: [] })
    } finally {
      blocker.close()
    }
  })

  it('a client that never connects is stopped, with everything it started (its process group)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-group-'))
    try {
      const pids = path.join(dir, 'pids')
      const script = `sleep 120 & echo $$ $! > ${JSON.stringify(pids)}; wait`
      const r = await check(['tcp-client', '--', 'sh', '-c', script, '{port}'])
      expect(r.code).toBe(1)
      expect(detail(r.stdout, 'connects')).toMatch(/^expected a connection to socklab at \(127\.0\.0\.1, \d+\), saw nothing reached socklab$/)
      const started = fs.readFileSync(pids, 'utf8').trim().split(' ').map(Number)
      expect(started).toHaveLength(2)
      // A SIGKILL is delivered at once, but a process may take a moment to end: a bounded wait.
      for (let i = 0; i < 20 && started.some(alive); i++) await new Promise((r) => setTimeout(r, 100))
      expect(started.filter(alive)).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a server socklab started that ended at once: the failure says how it ended, with its last words', async () => {
    const r = await check(['tcp-server', '--', 'python3', '-c', "import sys; sys.exit('OSError: [Errno 98] Address already in use')", '{port}'])
    expect(r.code).toBe(1)
    expect(detail(r.stdout, 'listens')).toMatch(
      /^expected a connection accepted at \(127\.0\.0\.1, \d+\), saw connection refused at \(127\.0\.0\.1, \d+\): nothing listens there; the program ended with status 1 \(its last words: "OSError: \[Errno 98\] Address already in use"\)$/
    )
  })

  it('usage: no check named, an unknown one, a client check without its command: one line, exit 2', async () => {
    const none = await check([])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/^ERROR: which check\? The checks are tcp-server, udp-server, http-server, tcp-client, udp-client, udp-ping-client\n$/)
    expect((await check(['tcp-sever'])).code).toBe(2)
    const noCommand = await check(['tcp-client'])
    expect(noCommand.code).toBe(2)
    expect(noCommand.stderr).toContain('-- python3 client.py -a {host} -p {port}')
    const help = await check(['-h'], 'it')
    expect(help.code).toBe(0)
    expect(help.stdout).toContain(it_('check:usage.what'))
  })
})

describe('socklab check -h: every word from the catalog (pseudo locale)', () => {
  afterEach(() => setCliLang('en'))
  it('leaves only syntax outside the catalog strings: the synopsis, the options, the placeholders', () => {
    setCliLang('pseudo')
    let rest = checkUsage()
    for (let before = ''; before !== rest; ) [before, rest] = [rest, rest.replace(/⟦[^⟦⟧]*⟧/g, '')]
    const SYNTAX = new Set(['socklab', 'check', 'tcp', 'udp', 'http', 'server', 'client', 'ping', 'HOST', 'DIR', 'FILE', 'COMMAND', 'concurrent', 'root', 'cases', 'json', 'no', 'builtin', 'lang', 'it', 'en'])
    for (const word of rest.match(/[A-Za-z]{2,}/g) ?? []) expect(SYNTAX.has(word), `<${word}> in:\n${rest}`).toBe(true)
  })
})
