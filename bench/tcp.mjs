// TCP request/reply with 100 concurrent clients, each opening a new connection per request:
// socklab tcp-server (iterative and --concurrent) against the course's Python server.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fmt, freePort, ROOT, SOCKLAB, startPeer, table, verdict, waitForPort } from './lib.mjs'

const CLIENTS = 100
const SECONDS = 4
const MAX_REQUESTS = 20_000
const REQUEST_TIMEOUT_MS = 5_000

/** One request on a new connection; resolves true if the reply is the upper-cased request. */
function exchange(port) {
  return new Promise((resolve) => {
    let reply = ''
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write('hello world'))
    const timer = setTimeout(() => s.destroy(new Error('timeout')), REQUEST_TIMEOUT_MS)
    s.setEncoding('latin1')
    s.on('data', (d) => (reply += d))
    s.on('error', () => {})
    s.on('close', () => {
      clearTimeout(timer)
      resolve(reply === 'HELLO WORLD')
    })
  })
}

/** CLIENTS loops in parallel until SECONDS pass or MAX_REQUESTS are made. */
async function load(port) {
  let ok = 0
  let lost = 0
  let started = 0
  const until = performance.now() + SECONDS * 1000
  const t0 = performance.now()
  const worker = async () => {
    while (performance.now() < until && started < MAX_REQUESTS) {
      started++
      if (await exchange(port)) ok++
      else lost++
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, worker))
  const seconds = (performance.now() - t0) / 1000
  return { ok, lost, perSecond: ok / seconds }
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
      const r = await load(port)
      await server.stop()
      measured[peer.name] = r
      rows.push([peer.name, fmt(r.perSecond), fmt(r.ok), fmt(r.lost)])
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  console.log(`\nTCP request/reply: ${CLIENTS} concurrent clients, a new connection per request, ${SECONDS} s or ${fmt(MAX_REQUESTS)} requests per server`)
  table(['server', 'connections/s', 'replies', 'lost'], rows)
  const py = measured[peers[0].name]
  const it = measured[peers[1].name]
  const co = measured[peers[2].name]
  const targets = [
    ['zero lost requests, socklab iterative', it.lost, (v) => v === 0],
    ['zero lost requests, socklab --concurrent', co.lost, (v) => v === 0],
    ['--concurrent connections/s ≥ python', co.perSecond / py.perSecond, (v) => v >= 1]
  ]
  console.log('\nTCP targets')
  table(
    ['target', 'value', ''],
    targets.map(([name, v, ok]) => [name, name.includes('≥') ? `${fmt(v, 2)}×` : fmt(v), verdict(ok(v))])
  )
  results.tcp = { measured, targets: targets.map(([name, value, ok]) => ({ name, value, met: ok(value) })) }
}
