// TCP request/reply with 100 concurrent clients, each opening a new connection per request:
// socklab tcp-server (iterative and --concurrent) against the course's Python server.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fmt, freePort, ROOT, SOCKLAB, startPeer, table, targetTable, times, waitForPort } from './lib.mjs'

const CLIENTS = 100
const SECONDS = 4
const MAX_REQUESTS = 20_000
const WARMUP_SECONDS = 1
const WARMUP_REQUESTS = 2_000
const REQUEST_TIMEOUT_MS = 5_000
const REQUEST = 'hello world'
const REPLY = 'HELLO WORLD'

/**
 * One request on a new connection. Resolves 'ok' when the reply is the upper-cased request, else
 * why it was lost: an error code (ECONNRESET, ECONNREFUSED...), 'timeout', or 'wrong reply'.
 */
function exchange(port) {
  return new Promise((resolve) => {
    let reply = ''
    let failure
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(REQUEST))
    const timer = setTimeout(() => {
      failure = 'timeout'
      s.destroy()
    }, REQUEST_TIMEOUT_MS)
    s.setEncoding('latin1')
    s.on('data', (d) => (reply += d))
    s.on('error', (err) => (failure ??= err.code ?? err.message))
    s.on('close', () => {
      clearTimeout(timer)
      resolve(failure ?? (reply === REPLY ? 'ok' : reply === '' ? 'empty reply' : 'wrong reply'))
    })
  })
}

/** CLIENTS loops in parallel until `seconds` pass or `max` requests are made. */
async function load(port, seconds = SECONDS, max = MAX_REQUESTS) {
  let ok = 0
  let lost = 0
  let started = 0
  const causes = {}
  const until = performance.now() + seconds * 1000
  const t0 = performance.now()
  const worker = async () => {
    while (performance.now() < until && started < max) {
      started++
      const result = await exchange(port)
      if (result === 'ok') ok++
      else {
        lost++
        causes[result] = (causes[result] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, worker))
  const took = (performance.now() - t0) / 1000
  return { ok, lost, causes, seconds: took, perSecond: ok / took }
}

export async function benchTcp(results) {
  // The course's server calls listen(1); the target is set "given a 128 backlog", so the Python
  // peer is the course program with only its backlog raised to 128 (and run as the course runs it).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-tcp-'))
  const course = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'course', 'tcp_server.py'), 'utf8')
  const patched = course.replace('serverSocket.listen(1)', 'serverSocket.listen(128)')
  if (patched === course) throw new Error('the course server no longer calls listen(1): update bench/tcp.mjs')
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'course', 'course_args.py'), path.join(dir, 'course_args.py'))
  fs.writeFileSync(path.join(dir, 'tcp_server.py'), patched)

  const peers = [
    { name: 'python (course server, listen 128)', command: 'python3', args: (p) => ['-u', path.join(dir, 'tcp_server.py'), '-a', '127.0.0.1', '-p', String(p)] },
    { name: 'socklab iterative', command: process.execPath, args: (p) => [SOCKLAB, 'tcp-server', '-a', '127.0.0.1', '-p', String(p)] },
    { name: 'socklab --concurrent', command: process.execPath, args: (p) => [SOCKLAB, 'tcp-server', '-a', '127.0.0.1', '-p', String(p), '--concurrent'] }
  ]
  const rows = []
  const measured = {}
  try {
    for (const peer of peers) {
      const port = await freePort()
      const server = startPeer(peer.command, peer.args(port), { cwd: dir })
      await waitForPort(port)
      // The probe connection of waitForPort was a request too: give the server a moment to finish it.
      await new Promise((r) => setTimeout(r, 200))
      // Unmeasured first: JIT compilation (ours) and the kernel's socket caches settle.
      const warm = await load(port, WARMUP_SECONDS, WARMUP_REQUESTS)
      const r = { ...(await load(port)), warmupLost: warm.lost, warmupCauses: warm.causes }
      if (warm.lost) console.log(`  note: ${peer.name} lost ${fmt(warm.lost)} of its warm-up requests: ${JSON.stringify(warm.causes)}`)
      await server.stop()
      measured[peer.name] = r
      const why = Object.entries(r.causes).map(([c, n]) => `${c} ${fmt(n)}`).join(', ')
      rows.push([peer.name, fmt(r.perSecond), fmt(r.ok), fmt(r.lost), why || '—', fmt(r.seconds, 2)])
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `\nTCP request/reply: ${CLIENTS} concurrent clients, a new connection per request ("hello world" → "HELLO WORLD"), ` +
      `${SECONDS} s or ${fmt(MAX_REQUESTS)} requests per server after ${fmt(WARMUP_REQUESTS)} unmeasured`
  )
  table(['server', 'connections/s', 'right replies', 'lost', 'lost because', 'seconds'], rows)
  const py = measured[peers[0].name]
  const it = measured[peers[1].name]
  const co = measured[peers[2].name]
  const rate = (r) => `${fmt(r.perSecond)}/s`
  const lostAll = (r) => r.lost + r.warmupLost
  const targets = [
    { name: 'zero lost requests (warm-up too), socklab iterative', ours: fmt(lostAll(it)), peer: fmt(lostAll(py)), met: lostAll(it) === 0 },
    { name: 'zero lost requests (warm-up too), socklab --concurrent', ours: fmt(lostAll(co)), peer: fmt(lostAll(py)), met: lostAll(co) === 0 },
    { name: '--concurrent connections/s ≥ python', ours: rate(co), peer: rate(py), ratio: times(co.perSecond / py.perSecond), met: co.perSecond >= py.perSecond },
    { name: 'iterative connections/s vs python', ours: rate(it), peer: rate(py), ratio: times(it.perSecond / py.perSecond) }
  ]
  targetTable('TCP targets (peer: the course server with listen(128))', targets)
  results.tcp = {
    clients: CLIENTS,
    seconds: SECONDS,
    maxRequests: MAX_REQUESTS,
    measured,
    targets: targets.map(({ name, ours, peer, ratio, met }) => ({ name, ours, peer, ratio, met }))
  }
}
