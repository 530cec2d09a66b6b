// Kept-open sessions (issue 17): 100 connections held open, each making 500 round trips in turn
// ("hello world" → "HELLO WORLD", the next sent once the whole reply is in), through socklab's
// `tcp-server --keep-open --concurrent` (the CLI process, as a student starts it) against a plain
// Node echo-upper server (its own process, net only, nothing recorded) in the same run.

import { baselineTarget, buildHas, fmt, freePort, newOverOld, startPeer, table, targetTable, THIS_BUILD, waitForPort, xRatio } from './lib.mjs'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'

const CONNECTIONS = 100
const ROUND_TRIPS = 500
/** Four by default: on a loaded machine two turns each decide too little. */
const ROUNDS = 4
/** A run that takes longer than this is stopped and counted as it stands (bounded in time as in count). */
const RUN_LIMIT_MS = 60_000
const REPLY_TIMEOUT_MS = 5_000
const REQUEST = Buffer.from('hello world')
const REPLY = 'HELLO WORLD'

/** The plain peer: what a keep-open server is with nothing around it. Each read upper-cased and written back. */
const PLAIN_SERVER = `
const net = require('node:net')
const upper = (b) => { for (let i = 0; i < b.length; i++) if (b[i] >= 0x61 && b[i] <= 0x7a) b[i] -= 0x20; return b }
net.createServer((s) => { s.on('data', (d) => s.write(upper(d))); s.on('error', () => {}) }).listen(Number(process.argv[1]), '127.0.0.1')
`

/**
 * One kept-open connection making `count` round trips: resolves with how many came back right,
 * and why the rest did not (an error code, 'timeout', 'wrong reply', 'closed').
 */
function session(port, count, until) {
  return new Promise((resolve) => {
    let done = 0
    let got = ''
    let failure
    let timer
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => next())
    const next = () => {
      clearTimeout(timer)
      if (done >= count || performance.now() > until) return s.end()
      got = ''
      timer = setTimeout(() => {
        failure = 'timeout'
        s.destroy()
      }, REPLY_TIMEOUT_MS)
      s.write(REQUEST)
    }
    s.setEncoding('latin1')
    s.on('data', (d) => {
      got += d
      if (got.length < REPLY.length) return
      if (got !== REPLY) {
        failure = 'wrong reply'
        return s.destroy()
      }
      done++
      next()
    })
    s.on('error', (err) => (failure ??= err.code ?? err.message))
    s.on('close', () => {
      clearTimeout(timer)
      resolve({ done, failure: failure ?? (done < count && performance.now() <= until ? 'closed' : undefined) })
    })
  })
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

/** CONNECTIONS sessions at once; round trips per second over the whole run. */
async function load(port) {
  const t0 = performance.now()
  const results = await Promise.all(Array.from({ length: CONNECTIONS }, () => session(port, ROUND_TRIPS, t0 + RUN_LIMIT_MS)))
  const seconds = (performance.now() - t0) / 1000
  const ok = results.reduce((n, r) => n + r.done, 0)
  const causes = {}
  for (const r of results) if (r.failure) causes[r.failure] = (causes[r.failure] ?? 0) + 1
  return { ok, seconds, perSecond: ok / seconds, causes }
}

export async function benchSessions(results, { baseline, rounds = ROUNDS } = {}) {
  const socklab = (build) => ({
    name: `${build.name} --keep-open`,
    build: build.name,
    command: process.execPath,
    args: (p) => [...build.args, 'tcp-server', '-a', '127.0.0.1', '-p', String(p), '--keep-open', '--concurrent']
  })
  // An older build has no --keep-open: its server would answer one message per connection.
  const old = baseline && buildHas(baseline, 'tcp-server') && keepsOpen(baseline) ? baseline : undefined
  if (baseline && !old) console.log(`  note: the baseline build has no tcp-server --keep-open: measured without it`)
  const peers = [{ name: 'plain node', command: process.execPath, args: (p) => ['-e', PLAIN_SERVER, String(p)] }, socklab(THIS_BUILD), ...(old ? [socklab(old)] : [])]
  const measured = {}
  try {
    for (const peer of peers) {
      peer.port = await freePort()
      peer.server = startPeer(peer.command, peer.args(peer.port))
      await waitForPort(peer.port)
      // JIT warm-up, unmeasured: a tenth of a run.
      await Promise.all(Array.from({ length: CONNECTIONS }, () => session(peer.port, ROUND_TRIPS / 10, performance.now() + RUN_LIMIT_MS)))
      measured[peer.name] = { ok: 0, seconds: 0, cpu: 0, causes: {}, rounds: [] }
    }
    for (let round = 0; round < rounds; round++) {
      for (const peer of round % 2 ? [...peers].reverse() : peers) {
        const cpu0 = cpuSeconds(peer.server.child.pid)
        const r = await load(peer.port)
        const m = measured[peer.name]
        m.cpu += cpuSeconds(peer.server.child.pid) - cpu0
        m.ok += r.ok
        m.seconds += r.seconds
        for (const [cause, n] of Object.entries(r.causes)) m.causes[cause] = (m.causes[cause] ?? 0) + n
        m.rounds.push(r.perSecond)
      }
    }
  } finally {
    await Promise.all(peers.map((p) => p.server?.stop()))
  }
  for (const m of Object.values(measured)) {
    m.perSecond = m.ok / m.seconds
    // The server's own CPU per round trip: what load on the machine does not change much.
    m.cpuMicros = (m.cpu / m.ok) * 1e6
  }
  console.log(
    `\nKept-open sessions: ${CONNECTIONS} connections × ${ROUND_TRIPS} round trips ("hello world" → "HELLO WORLD", one at a time per connection), ` +
      `${rounds} rounds per server in turn (A B, then B A), after one unmeasured tenth; socklab is the CLI process (tcp-server --keep-open --concurrent, its lines to /dev/null)`
  )
  table(
    ['server', 'round trips/s', 'per round', 'server CPU per round trip', 'right replies', 'lost because'],
    peers.map(({ name }) => {
      const m = measured[name]
      return [name, fmt(m.perSecond), m.rounds.map((n) => fmt(n)).join(' / '), `${fmt(m.cpuMicros, 1)} µs`, fmt(m.ok), Object.entries(m.causes).map(([c, n]) => `${c} ${fmt(n)}`).join(', ') || '—']
    })
  )
  const ours = measured['socklab --keep-open']
  const plain = measured['plain node']
  // The middle of the round-by-round ratios: the two ran next to each other in every round.
  const ratio = newOverOld(ours.rounds, plain.rounds)
  const expected = CONNECTIONS * ROUND_TRIPS * rounds
  const targets = [
    { name: 'every round trip answered right, socklab', ours: `${fmt(ours.ok)} of ${fmt(expected)}`, peer: `${fmt(plain.ok)} of ${fmt(expected)}`, met: ours.ok === expected },
    { name: 'round trips/s ≥ 0.8× plain node (round by round)', ours: `${fmt(ours.perSecond)}/s`, peer: `${fmt(plain.perSecond)}/s`, ratio: xRatio(ratio), met: ratio >= 0.8 },
    { name: 'server CPU per round trip vs plain node', ours: `${fmt(ours.cpuMicros, 1)} µs`, peer: `${fmt(plain.cpuMicros, 1)} µs`, ratio: xRatio(ours.cpuMicros / plain.cpuMicros) },
    ...(old
      ? [
          baselineTarget('round trips/s', {
            ours: ours.perSecond,
            old: measured['baseline --keep-open'].perSecond,
            ratio: newOverOld(ours.rounds, measured['baseline --keep-open'].rounds),
            show: (n) => `${fmt(n)}/s`,
            how: 'round by round'
          })
        ]
      : [])
  ]
  targetTable('Kept-open session targets (peer: a plain Node echo-upper server)', targets)
  results.sessions = {
    connections: CONNECTIONS,
    roundTrips: ROUND_TRIPS,
    rounds,
    measured,
    ratio,
    targets: targets.map(({ name, ours, peer, ratio, met }) => ({ name, ours, peer, ratio, met }))
  }
}

/** Whether a build's tcp-server knows --keep-open (its help lists it). */
function keepsOpen(build) {
  try {
    const help = execFileSync(process.execPath, [...build.args, 'tcp-server', '-h'], { encoding: 'utf8', timeout: 15_000 })
    return help.includes('--keep-open')
  } catch {
    return false
  }
}
