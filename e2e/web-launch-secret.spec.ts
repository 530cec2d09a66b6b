// `socklab web` on a machine shared by many users: another user reads every process's arguments
// (`ps -eo args`), yet must find nothing there, nor in any file or environment they can read, that
// opens the lab; the user's own browser, given what the opener was given, gets in, reloads, and
// opens more tabs. The opener is a stand-in `xdg-open` on PATH that records its arguments and stays
// alive, as the browser it would start keeps them in its command line.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test as base } from '@playwright/test'
import { ROOT } from './fixtures'

const test = base
test.skip(process.platform !== 'linux' || process.getuid?.() !== 0 || spawnSync('runuser', ['--version']).status !== 0, 'needs Linux, root and runuser to act as a second user')

/** Runs `args` as the second user (`nobody`), in a folder it may enter; stdout, or '' where it may not. */
function asOther(args: string[], input?: string): { out: string; status: number | null } {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', ...args], { cwd: '/', input, encoding: 'utf8', timeout: 30_000 })
  return { out: r.stdout ?? '', status: r.status }
}

/** The start of each regular file the second user may read (no device or pipe, which might never end). */
function readAsOther(files: string[]): string {
  const each = 'while IFS= read -r f; do test -f "$f" && head -c 1000000 -- "$f"; done; true'
  return asOther(['sh', '-c', each], files.filter((f) => !f.includes('\n')).join('\n') + '\n').out
}

// The other user's attempt, with each string it found: the lab's WebSocket (our Origin and Host, as
// a page of the lab would send them) and the capture download. Prints the strings that got in.
const ATTACK = `
import json, socket, sys
job = json.load(sys.stdin)
port = job['port']
def status(request):
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.sendall(request.encode())
    line = s.makefile('rb').readline().decode()
    s.close()
    return int(line.split()[1])
won = []
for c in job['candidates']:
    host = '127.0.0.1:%d' % port
    ws = status('GET /lab?token=%s HTTP/1.1\\r\\nHost: %s\\r\\nOrigin: http://%s\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n' % (c, host, host))
    pcap = status('GET /capture.pcapng?token=%s HTTP/1.1\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n' % (c, host))
    if ws != 403 or pcap != 403:
        won.append([c, ws, pcap])
print(json.dumps(won))
`

let socklab: ChildProcess | undefined
let opener: number | undefined
let tmp: string | undefined

test.afterEach(() => {
  if (socklab && socklab.exitCode === null) socklab.kill('SIGTERM')
  // The stand-in was started detached by socklab, in a process group of its own.
  if (opener !== undefined) {
    try {
      process.kill(-opener, 'SIGTERM')
    } catch {
      // already gone
    }
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

test('another user finds no secret in ps, files or environments; the user’s browser gets in, reloads and opens tabs', async ({ page, context }) => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-launch-test-'))
  const bin = path.join(tmp, 'bin')
  fs.mkdirSync(bin)
  const record = path.join(tmp, 'opened')
  // The browser stand-in: what it was given is in its command line for as long as it runs.
  fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\necho $$ > "${record}.pid"\nprintf '%s\\n' "$@" > "${record}.tmp"\nmv "${record}.tmp" "${record}"\nsleep 300\n`, { mode: 0o755 })
  const marker = path.join(tmp, 'started')
  fs.writeFileSync(marker, '')

  socklab = spawn(process.execPath, [path.join(ROOT, 'bin', 'socklab.js'), 'web', '-p', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } })
  let printed = ''
  socklab.stdout!.on('data', (d) => (printed += d))
  socklab.stderr!.on('data', (d) => (printed += d))
  // The address ends its line, in every language.
  await expect.poll(() => / (http:\/\/\S+)\n/.exec(printed)?.[1], { timeout: 15_000 }).toBeTruthy()
  const address = new URL(/ (http:\/\/\S+)\n/.exec(printed)![1])
  const token = address.searchParams.get('token')!
  const port = Number(address.port)
  expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)
  await expect.poll(() => fs.existsSync(record), { timeout: 15_000 }).toBe(true)
  opener = Number(fs.readFileSync(`${record}.pid`, 'utf8'))
  const given = fs.readFileSync(record, 'utf8').trim()

  // What the other user can see: every command line (the stand-in's among them, or the test proves nothing) ...
  const ps = asOther(['ps', '-eo', 'args'])
  expect(ps.status).toBe(0)
  expect(ps.out).toContain(path.join(bin, 'xdg-open'))
  let seen = ps.out
  // ... whatever those command lines name that it can read ...
  const named = [...new Set(ps.out.split(/\s+/))].flatMap((word) => (word.startsWith('file://') ? [fileURLToPath(word)] : word.startsWith('/') ? [word] : []))
  seen += readAsOther(named)
  // ... the environments of socklab and of the browser it started ...
  for (const pid of [socklab.pid!, opener]) {
    const environ = asOther(['cat', `/proc/${pid}/environ`])
    expect(environ.status, `/proc/${pid}/environ is readable by another user`).not.toBe(0)
    seen += environ.out
  }
  // ... and every file made since socklab started that it can read in the shared temp folders.
  const fresh = asOther(['find', '/tmp', '/var/tmp', '/dev/shm', '-xdev', '-newer', marker, '-type', 'f', '-readable']).out.split('\n').filter(Boolean)
  seen += readAsOther(fresh)

  // Every token-like string it found, tried on the lab: none gets in (the real token would).
  const candidates = [...new Set(seen.match(/[A-Za-z0-9_-]{16,}/g) ?? [])]
  const attack = asOther(['python3', '-c', ATTACK], JSON.stringify({ port, candidates }))
  expect(attack.status).toBe(0)
  expect(JSON.parse(attack.out), 'another user got into the lab with strings it could read').toEqual([])
  expect(seen).not.toContain(token)
  // The same attempt with the token does get in: the attack above could have succeeded.
  const control = asOther(['python3', '-c', ATTACK], JSON.stringify({ port, candidates: [token] }))
  expect(JSON.parse(control.out)).toEqual([[token, 101, 404]])

  // The user's own browser, given what the opener was given, gets into the lab ...
  expect(given).not.toContain(token)
  await page.goto(given)
  await expect(page.getByTestId('host-info')).toContainText('browser host')
  expect(new URL(page.url()).origin).toBe(address.origin)
  // ... a reload keeps it in ...
  await page.reload()
  await expect(page.getByTestId('host-info')).toContainText('browser host')
  // ... and another tab of the same browser, at the page's address, gets in too.
  const tab = await context.newPage()
  await tab.goto(page.url())
  await expect(tab.getByTestId('host-info')).toContainText('browser host')

  // Nothing is left behind: the private page goes when socklab stops.
  const launchFile = fileURLToPath(given)
  expect(fs.existsSync(launchFile)).toBe(true)
  socklab.kill('SIGTERM')
  await expect.poll(() => socklab!.exitCode, { timeout: 10_000 }).toBe(0)
  expect(fs.existsSync(path.dirname(launchFile))).toBe(false)
})
