// TCP request/reply with 100 concurrent clients, each opening a new connection per request:
// socklab tcp-server (iterative and --concurrent) against the course's Python server and, given
// --baseline, against another build's tcp-server in the same rounds.

import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { baselineTarget, fmt, freePort, newOverOld, removeTempDir, ROOT, startPeer, table, targetTable, tempDir, THIS_BUILD, waitForPort, xRatio } from './lib.mjs'

const CLIENTS = 100
const ROUNDS = 2
const SECONDS = 3
const MAX_REQUESTS = 10_000
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

/** TIME_WAIT sockets now (the kernel's count): many short connections leave many behind. */
function timeWait() {
  try {
    return Number(/\btw (\d+)/.exec(fs.readFileSync('/proc/net/sockstat', 'utf8'))?.[1])
  } catch {
    return undefined
  }
}

export async function benchTcp(results, { baseline, rounds = ROUNDS } = {}) {
  // The course's server calls listen(1); the target is set "given a 128 backlog", so the Python
  // peer is the course program with only its backlog raised to 128 (and run as the course runs it).
  const dir = tempDir('socklab-bench-tcp-')
  const course = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'course', 'tcp_server.py'), 'utf8')
  const patched = course.replace('serverSocket.listen(1)', 'serverSocket.listen(128)')
  if (patched === course) throw new Error('the course server no longer calls listen(1): update bench/tcp.mjs')
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'course', 'course_args.py'), path.join(dir, 'course_args.py'))
  fs.writeFileSync(path.join(dir, 'tcp_server.py'), patched)

  // socklab's servers, each with the baseline build's right after it (same mode), so that every
  // round measures the two next to each other.
  const socklabServer = (build, mode) => ({
    name: `${build.name} ${mode}`,
    build: build.name,
    mode,
    command: process.execPath,
    args: (p) => [...build.args, 'tcp-server', '-a', '127.0.0.1', '-p', String(p), ...(mode === '--concurrent' ? ['--concurrent'] : [])]
  })
  const builds = baseline ? [THIS_BUILD, baseline] : [THIS_BUILD]
  const peers = [
    { name: 'python (course server, listen 128)', command: 'python3', args: (p) => ['-u', path.join(dir, 'tcp_server.py'), '-a', '127.0.0.1', '-p', String(p)] },
    ...['iterative', '--concurrent'].flatMap((mode) => builds.map((build) => socklabServer(build, mode)))
  ]
  const twBefore = timeWait()
  const measured = {}
  try {
    // All the servers up at once (an idle one costs nothing), each warmed up, unmeasured.
    for (const peer of peers) {
      peer.port = await freePort()
      peer.server = startPeer(peer.command, peer.args(peer.port), { cwd: dir })
      await waitForPort(peer.port)
      // The probe connection of waitForPort was a request too: give the server a moment to finish it.
      await new Promise((r) => setTimeout(r, 200))
      // JIT compilation (ours) and the kernel's socket caches settle first.
      const warm = await load(peer.port, WARMUP_SECONDS, WARMUP_REQUESTS)
      measured[peer.name] = { ok: 0, lost: 0, seconds: 0, causes: {}, warmupLost: warm.lost, warmupCauses: warm.causes, rounds: [] }
      if (warm.lost) console.log(`  note: ${peer.name} lost ${fmt(warm.lost)} of its warm-up requests: ${JSON.stringify(warm.causes)}`)
    }
    // Rounds in turn, A B C then C B A: whatever drifts during the section (TIME_WAIT sockets
    // piling up, the machine's other load) weighs on every server alike.
    for (let round = 0; round < rounds; round++) {
      for (const peer of round % 2 ? [...peers].reverse() : peers) {
        const r = await load(peer.port)
        const m = measured[peer.name]
        m.ok += r.ok
        m.lost += r.lost
        m.seconds += r.seconds
        for (const [cause, n] of Object.entries(r.causes)) m.causes[cause] = (m.causes[cause] ?? 0) + n
        m.rounds.push(Math.round(r.perSecond))
      }
    }
    for (const m of Object.values(measured)) m.perSecond = m.ok / m.seconds
  } finally {
    await Promise.all(peers.map((p) => p.server?.stop()))
    removeTempDir(dir)
  }
  console.log(
    `\nTCP request/reply: ${CLIENTS} concurrent clients, a new connection per request ("hello world" → "HELLO WORLD"); ` +
      `${rounds} rounds of ${SECONDS} s or ${fmt(MAX_REQUESTS)} requests per server, in turn, after ${fmt(WARMUP_REQUESTS)} unmeasured; ` +
      `TIME_WAIT sockets before/after: ${fmt(twBefore)}/${fmt(timeWait())}`
  )
  /** socklab's connections/s over the baseline's in one mode: the middle of the round-by-round ratios. */
  const ratioOf = (mode) => newOverOld(measured[`socklab ${mode}`].rounds, measured[`baseline ${mode}`].rounds)
  if (baseline) console.log(`new/old: socklab ÷ baseline, the middle of the ${rounds} round-by-round ratios of connections/s`)
  table(
    ['server', 'connections/s', 'per round', ...(baseline ? ['new/old'] : []), 'right replies', 'lost', 'lost because'],
    peers.map(({ name, build, mode }) => {
      const m = measured[name]
      const why = Object.entries({ ...m.causes, ...(m.warmupLost ? { 'in warm-up': m.warmupLost } : {}) }).map(([c, n]) => `${c} ${fmt(n)}`)
      const vsOld = baseline ? [build === 'socklab' ? xRatio(ratioOf(mode)) : ''] : []
      return [name, fmt(m.perSecond), m.rounds.map((n) => fmt(n)).join(' / '), ...vsOld, fmt(m.ok), fmt(m.lost + m.warmupLost), why.join(', ') || '—']
    })
  )
  const py = measured[peers[0].name]
  const it = measured['socklab iterative']
  const co = measured['socklab --concurrent']
  const rate = (r) => `${fmt(r.perSecond)}/s`
  const lostAll = (r) => r.lost + r.warmupLost
  const targets = [
    { name: 'zero lost requests (warm-up too), socklab iterative', ours: fmt(lostAll(it)), peer: fmt(lostAll(py)), met: lostAll(it) === 0 },
    { name: 'zero lost requests (warm-up too), socklab --concurrent', ours: fmt(lostAll(co)), peer: fmt(lostAll(py)), met: lostAll(co) === 0 },
    { name: '--concurrent connections/s ≥ python', ours: rate(co), peer: rate(py), ratio: xRatio(co.perSecond / py.perSecond), met: co.perSecond >= py.perSecond },
    { name: 'iterative connections/s vs python', ours: rate(it), peer: rate(py), ratio: xRatio(it.perSecond / py.perSecond) },
    // Another build of socklab (--baseline): within 10% of it, in the same rounds.
    ...(baseline
      ? ['iterative', '--concurrent'].map((mode) =>
          baselineTarget(`${mode} connections/s`, { ours: measured[`socklab ${mode}`].perSecond, old: measured[`baseline ${mode}`].perSecond, ratio: ratioOf(mode), show: (n) => `${fmt(n)}/s`, how: 'round by round' })
        )
      : [])
  ]
  targetTable(`TCP targets (peer: the course server with listen(128)${baseline ? ', or the baseline where named' : ''})`, targets)
  results.tcp = {
    baseline: baseline?.describe,
    clients: CLIENTS,
    rounds,
    secondsPerRound: SECONDS,
    maxRequestsPerRound: MAX_REQUESTS,
    timeWaitBefore: twBefore,
    measured,
    targets: targets.map(({ name, ours, peer, ratio, met }) => ({ name, ours, peer, ratio, met }))
  }
}
