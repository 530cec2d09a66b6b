// npm run soak [-- --seconds N]: the attacks of issue 8 all at once, for a bounded time, against
// socklab's HTTP server and browser host, each a child process, while a normal client of each is
// served, with the browser host capturing the lab's traffic (issue 15: its tsharks and capture
// files are watched too). Prints each server's memory (RSS) at start, peak and end, every 10 s over
// time, and the normal clients' worst latency, checks them against the bounds below, and exits 1
// when one is missed.

import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { captureDisk } from './capture.mjs'
import { childRss, fmt, freePort, ROOT, SOCKLAB, sleep, startPeer, startWebHost, table, tempDir, verdict, waitForPort } from './lib.mjs'

// ── Bounds (what the checks demand) ──────────────────────────────────────────
/** The HTTP server's RSS: about 50 MB idle; every attacker below may cost it a little, never what it is sent. */
const HTTP_RSS_BOUND_MB = 200
/** The browser host's RSS: a full ring of 50,000 events costs 120–190 MB; slow viewers may add a few MB each. */
const WEB_RSS_BOUND_MB = 250
/**
 * ... with the capture on: its ring of 100,000 packets (DEFAULT_PACKET_RING) and the copies it
 * matches while captures hand over cost it up to ~200 MB more (444 MB measured at the peak of a
 * 180 s soak, flat from 100 s on).
 */
const WEB_CAPTURING_RSS_BOUND_MB = 500
/** The capture's tsharks together (one, two while a fresh one takes over; CAPTURE_LIMITS bounds each). */
const TSHARK_RSS_BOUND_MB = 500
/** The capture's files on disk (CAPTURE_LIMITS.diskBytes and a capture file handing over). */
const CAPTURE_DISK_BOUND_MB = 192
/** The normal clients' worst latency: a student clicking must never wait a noticeable time. */
const WORST_LATENCY_BOUND_MS = 1000

// ── The load (every part bounded in count and time) ─────────────────────────
const DEFAULT_SECONDS = 180
/** Connections sending nothing but blank lines, each up to BLANK_BUDGET_MB in all (the report used 62 MB). */
const BLANK_FLOODS = 2
const BLANK_BUDGET_MB = 64
/** Downloads of BIG_FILE_MB that are never read (the report pinned 6 MB each, 600 of them 3.7 GB). */
const NEVER_READ = 30
const BIG_FILE_MB = 32
/** Connections trickling a request head, one byte every SLOWLORIS_EVERY_MS (under the server's 15 s idle timeout). */
const SLOWLORIS = 30
const SLOWLORIS_EVERY_MS = 10_000
/** Browser-host viewers that never read; they leave after two thirds of the run, so memory must come back. */
const SLOW_VIEWERS = 5
/** The UDP flood into a server started through the browser host (each datagram makes ~5 events). */
const UDP_DATAGRAMS_PER_SECOND = 3000
/** A normal client's request every NORMAL_EVERY_MS; one with no answer within NORMAL_TIMEOUT_MS failed. */
const NORMAL_EVERY_MS = 250
const NORMAL_TIMEOUT_MS = 5000
/** RSS sampling interval. */
const SAMPLE_MS = 200

const HOST = '127.0.0.1'
const MB = 2 ** 20

function options() {
  try {
    const { values } = parseArgs({ options: { seconds: { type: 'string', short: 's' }, help: { type: 'boolean', short: 'h' } }, strict: true })
    if (values.help) {
      console.log(`Usage: npm run soak [-- --seconds N]   (N in 5..600, default ${DEFAULT_SECONDS})`)
      process.exit(0)
    }
    const seconds = values.seconds === undefined ? DEFAULT_SECONDS : Number(values.seconds)
    if (!Number.isInteger(seconds) || seconds < 5 || seconds > 600) throw new Error('--seconds must be a whole number in 5..600')
    return { seconds }
  } catch (err) {
    console.error(`ERROR: ${err.message.split('\n')[0]}`)
    process.exit(2)
  }
}

/** A process's resident memory now and its peak so far (the kernel's VmHWM), in MB. */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
}

/** Start, peak and end RSS of a server (MB), sampled while the soak runs; NaN once it is gone. `read` measures something else in MB. */
function watchMemory(name, pid, bound, read) {
  const now =
    read ??
    (() => {
      try {
        return memoryOf(pid).rss
      } catch {
        return NaN
      }
    })
  const m = { name, pid, bound, now, start: now(), peak: 0, end: NaN }
  m.peak = m.start
  const timer = setInterval(() => (m.peak = Math.max(m.peak, now() || 0)), SAMPLE_MS)
  m.finish = () => {
    clearInterval(timer)
    m.end = now()
    if (Number.isFinite(m.end)) m.peak = Math.max(m.peak, m.end)
  }
  return m
}

/** Latencies of a normal client's requests, and its failures with their reasons. */
function latencyLog(name) {
  const log = { name, times: [], failures: [] }
  log.worst = () => (log.times.length ? Math.max(...log.times) : NaN)
  log.median = () => {
    const sorted = [...log.times].sort((a, b) => a - b)
    return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : NaN
  }
  return log
}

/** Every attacker's socket, destroyed when the run ends (a flood stuck on a full buffer ends with it). */
const attackers = new Set()
function attacker(socket) {
  attackers.add(socket)
  socket.once('close', () => attackers.delete(socket))
  socket.on('error', () => {})
  return socket
}

// ── Against the HTTP server ──────────────────────────────────────────────────

/** Blank lines (`\r\n`) as fast as the server takes them, reconnecting when it closes, up to `budget` bytes. */
async function blankLineFlood(port, budget, running, stats) {
  const chunk = Buffer.from('\r\n'.repeat(32 * 1024))
  let sent = 0
  while (sent < budget && running()) {
    stats.connections++
    await new Promise((resolve) => {
      const s = attacker(net.connect({ host: HOST, port }))
      let answer = ''
      s.on('data', (d) => (answer ||= d.toString('latin1').split('\r\n')[0]))
      const pump = () => {
        while (sent < budget && running() && !s.destroyed) {
          sent += chunk.length
          stats.bytes += chunk.length
          if (!s.write(chunk)) return void s.once('drain', pump)
        }
        s.end()
      }
      s.once('connect', pump)
      s.once('close', () => {
        if (answer) stats.answers.set(answer, (stats.answers.get(answer) ?? 0) + 1)
        resolve()
      })
    })
    await sleep(100)
  }
}

/** A GET of the big file whose reply is never read: this side stops reading at once. */
function neverRead(port, stats) {
  const s = attacker(net.connect({ host: HOST, port }, () => s.write('GET /big.bin HTTP/1.1\r\nHost: soak\r\n\r\n')))
  s.pause()
  stats.opened++
}

/** A request head trickled a byte at a time; reopened when the server closes it, as an attacker would. */
function slowloris(port, running, stats) {
  if (!running()) return
  const head = Buffer.from('GET /small.txt HTTP/1.1\r\nHost: soak\r\nX-Slow: ' + 'a'.repeat(1000))
  const openedAt = performance.now()
  let at = 0
  let timer
  const s = attacker(net.connect({ host: HOST, port }))
  stats.opened++
  const drip = () => {
    if (at < head.length) s.write(head.subarray(at, ++at))
  }
  s.once('connect', () => {
    drip()
    timer = setInterval(drip, SLOWLORIS_EVERY_MS)
  })
  s.on('data', () => {})
  s.once('close', () => {
    clearInterval(timer)
    if (!running()) return
    stats.closedByServer++
    stats.longestHeldS = Math.max(stats.longestHeldS, (performance.now() - openedAt) / 1000)
    setTimeout(() => slowloris(port, running, stats), 1000).unref()
  })
}

/** One GET of a small file on a new connection, as a student's browser or curl does it. */
function normalGet(port, expectedLength) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const chunks = []
    const s = net.connect({ host: HOST, port }, () => s.write('GET /small.txt HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n'))
    s.on('error', () => {})
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ ms: performance.now() - t0, failure: `no answer within ${NORMAL_TIMEOUT_MS / 1000} s` })
    }, NORMAL_TIMEOUT_MS)
    s.on('data', (d) => chunks.push(d))
    s.once('error', (err) => {
      clearTimeout(timer)
      resolve({ ms: performance.now() - t0, failure: err.code ?? err.message })
    })
    s.once('close', () => {
      clearTimeout(timer)
      const reply = Buffer.concat(chunks)
      const status = reply.toString('latin1').split('\r\n')[0]
      const body = reply.length - reply.indexOf('\r\n\r\n') - 4
      const ok = / 200 /.test(status) && body === expectedLength
      resolve({ ms: performance.now() - t0, failure: ok ? undefined : `answered <${status || 'nothing'}> with ${Math.max(0, body)} body bytes` })
    })
  })
}

// ── Against the browser host ─────────────────────────────────────────────────

/** The lab's WebSocket, as the lab window opens it (token and Origin) and subscribes to both feeds. */
function labSocket(url) {
  const u = new URL(url)
  const ws = new WebSocket(`ws://${u.host}/lab?token=${u.searchParams.get('token')}`, { headers: { Origin: `http://${u.host}` } })
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      for (const feed of ['events', 'packets']) ws.send(JSON.stringify({ ready: feed }))
      resolve(ws)
    })
    ws.once('error', reject)
  })
}

/** A viewer that reads: counts events, seq gaps not explained by a skip notice, and replies to its calls. */
function normalViewer(ws) {
  const v = { ws, events: 0, lastSeq: 0, missed: 0, skipped: 0, notices: 0, pending: new Map(), nextId: 1 }
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString())
    if (m.events) {
      for (const e of m.events) {
        if (v.lastSeq && e.seq > v.lastSeq + 1) v.missed += e.seq - v.lastSeq - 1
        if (e.seq > v.lastSeq) v.lastSeq = e.seq
      }
      v.events += m.events.length
    } else if (m.skipped) {
      v.notices++
      v.skipped += m.skipped.events
      v.lastSeq = Math.max(v.lastSeq, m.skipped.lastSeq)
    } else if (v.pending.has(m.id)) {
      v.pending.get(m.id)(m.reply)
      v.pending.delete(m.id)
    }
  })
  v.call = (verb, args = []) =>
    new Promise((resolve) => {
      const id = v.nextId++
      v.pending.set(id, resolve)
      ws.send(JSON.stringify({ id, verb, args }))
    })
  return v
}

/** One hostInfo call, timed, as the window makes when it loads. */
async function normalCall(viewer) {
  const t0 = performance.now()
  const reply = await Promise.race([viewer.call('hostInfo'), sleep(NORMAL_TIMEOUT_MS).then(() => null)])
  const ms = performance.now() - t0
  if (!reply) return { ms, failure: `no reply within ${NORMAL_TIMEOUT_MS / 1000} s` }
  return { ms, failure: reply.ok ? undefined : reply.error }
}

/** Datagrams at a steady rate into `port`; the replies are counted and dropped. */
async function udpFlood(port, running, stats) {
  const socket = dgram.createSocket('udp4')
  await new Promise((resolve) => socket.bind(0, HOST, resolve))
  socket.on('message', () => stats.replies++)
  const payload = Buffer.alloc(256, 'u')
  const t0 = performance.now()
  while (running()) {
    // Catch up with the rate whatever the timer's drift: as many as the elapsed time allows.
    const due = Math.floor(((performance.now() - t0) * UDP_DATAGRAMS_PER_SECOND) / 1000) - stats.sent
    for (let i = 0; i < due; i++) socket.send(payload, port, HOST)
    stats.sent += Math.max(0, due)
    await sleep(10)
  }
  await sleep(200)
  socket.close()
}

/** Runs `once` every NORMAL_EVERY_MS while `running()`, logging latency and failures. */
async function everyFewMs(log, running, once) {
  while (running()) {
    const started = performance.now()
    const { ms, failure } = await once()
    log.times.push(ms)
    if (failure) log.failures.push(failure)
    await sleep(Math.max(0, NORMAL_EVERY_MS - (performance.now() - started)))
  }
}

// ── The run ──────────────────────────────────────────────────────────────────

async function main() {
  const { seconds } = options()
  if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) {
    console.error('ERROR: socklab is not built: run npm run build first')
    process.exit(1)
  }
  const site = tempDir('socklab-soak-')
  const small = Buffer.from('a small file that a normal client fetches\n'.repeat(24))
  fs.writeFileSync(path.join(site, 'small.txt'), small)
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>soak</title><p>socklab soak</p>\n')
  fs.writeFileSync(path.join(site, 'big.bin'), Buffer.alloc(BIG_FILE_MB * MB, 'b'))

  const httpPort = await freePort()
  const http = startPeer(process.execPath, [SOCKLAB, 'http-server', '-a', HOST, '-p', String(httpPort), '-d', site])
  await waitForPort(httpPort)
  const web = await startWebHost()
  const viewer = normalViewer(await labSocket(web.url))
  const started = await viewer.call('start', [{ kind: 'udp-server', address: HOST, port: 0, recvSize: 2048 }])
  if (!started.ok) throw new Error(`the browser host did not start a UDP server: ${started.error}`)
  // The capture on, as an open Wire view starts it: it takes in the UDP server's port.
  const captureStarted = await viewer.call('startCapture')
  const capturing = captureStarted.ok && captureStarted.value.state !== 'unavailable'
  if (!capturing) console.log(`capture: unavailable here (${(captureStarted.value?.problem && JSON.stringify(captureStarted.value.problem.said)) ?? captureStarted.error}): its memory is not watched`)
  const slowViewers = await Promise.all(Array.from({ length: SLOW_VIEWERS }, () => labSocket(web.url)))
  for (const ws of slowViewers) ws.pause()

  console.log(`socklab soak: ${seconds} s, node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}`)
  console.log(
    `http-server (pid ${http.child.pid}): ${BLANK_FLOODS} blank-line floods (≤ ${BLANK_BUDGET_MB} MB each), ${NEVER_READ} never-read downloads of ${BIG_FILE_MB} MB, ` +
      `${SLOWLORIS} slowloris (a byte every ${SLOWLORIS_EVERY_MS / 1000} s), and a normal GET every ${NORMAL_EVERY_MS} ms`
  )
  console.log(
    `browser host (pid ${web.child.pid}): ${SLOW_VIEWERS} viewers that never read (they leave at ${Math.round((seconds * 2) / 3)} s) during a UDP flood of ` +
      `${fmt(UDP_DATAGRAMS_PER_SECOND)} datagrams/s, and a normal viewer calling hostInfo every ${NORMAL_EVERY_MS} ms`
  )

  const memory = [watchMemory('http-server', http.child.pid, HTTP_RSS_BOUND_MB), watchMemory('browser host', web.child.pid, capturing ? WEB_CAPTURING_RSS_BOUND_MB : WEB_RSS_BOUND_MB)]
  if (capturing) {
    const tsharks = () => Object.values(childRss(web.child.pid, 'tshark')).reduce((a, b) => a + b, 0)
    memory.push(watchMemory('capture: tsharks', web.child.pid, TSHARK_RSS_BOUND_MB, tsharks), watchMemory('capture: files on disk', web.child.pid, CAPTURE_DISK_BOUND_MB, () => captureDisk(web.child.pid).mb))
  }
  const endAt = performance.now() + seconds * 1000
  const running = () => performance.now() < endAt
  const blank = { connections: 0, bytes: 0, answers: new Map() }
  const never = { opened: 0 }
  const loris = { opened: 0, closedByServer: 0, longestHeldS: 0 }
  const udp = { sent: 0, replies: 0 }
  const httpNormal = latencyLog('HTTP GET /small.txt (new connection each)')
  const webNormal = latencyLog('browser host hostInfo (normal viewer)')

  for (let i = 0; i < NEVER_READ; i++) neverRead(httpPort, never)
  for (let i = 0; i < SLOWLORIS; i++) slowloris(httpPort, running, loris)
  const slowLeave = setTimeout(() => slowViewers.forEach((ws) => ws.terminate()), (seconds * 2000) / 3)
  const progress = setInterval(() => {
    const left = Math.max(0, Math.round((endAt - performance.now()) / 1000))
    console.log(`  ${left} s left: ${memory.map((m) => `${m.name} ${fmt(m.now())} MB`).join(', ')}`)
  }, 10_000)
  const work = [
    ...Array.from({ length: BLANK_FLOODS }, () => blankLineFlood(httpPort, BLANK_BUDGET_MB * MB, running, blank)),
    udpFlood(started.value.local.port, running, udp),
    everyFewMs(httpNormal, running, () => normalGet(httpPort, small.length)),
    everyFewMs(webNormal, running, () => normalCall(viewer))
  ]
  await sleep(seconds * 1000)
  clearInterval(progress)
  clearTimeout(slowLeave)

  // The attackers leave (the normal clients finish what they were doing); the servers get a
  // moment to let go of what they held.
  for (const s of attackers) s.destroy()
  for (const ws of slowViewers) ws.terminate()
  await Promise.all(work)
  await sleep(3000)
  for (const m of memory) m.finish()
  const viewerEvents = { events: viewer.events, missed: viewer.missed, skipped: viewer.skipped, notices: viewer.notices }
  const captureEnd = capturing ? (await viewer.call('captureStatus')).value : undefined
  viewer.ws.close()
  await Promise.all([http.stop(), web.stop()])

  console.log('\nMemory (RSS, and the capture files, MB; end = 3 s after the attackers left)')
  // A server that died on the way (ran out of memory, crashed) has no end: that is a miss too.
  const memoryRows = memory.map((m) => ({ ...m, ok: m.peak <= m.bound && Number.isFinite(m.end) }))
  table(
    ['server', 'start', 'peak', 'end', 'bound', ''],
    memoryRows.map((m) => [m.name, fmt(m.start), fmt(m.peak), Number.isFinite(m.end) ? fmt(m.end) : 'died', `≤ ${m.bound}`, verdict(m.ok)])
  )

  console.log('\nNormal clients')
  const clients = [httpNormal, webNormal].map((log) => ({ log, ok: log.failures.length === 0 && log.worst() <= WORST_LATENCY_BOUND_MS }))
  table(
    ['client', 'requests', 'failed', 'median', 'worst', 'bound', ''],
    clients.map(({ log, ok }) => [log.name, fmt(log.times.length), fmt(log.failures.length), `${fmt(log.median())} ms`, `${fmt(log.worst())} ms`, `≤ ${fmt(WORST_LATENCY_BOUND_MS)} ms`, verdict(ok)])
  )
  for (const { log } of clients) {
    const reasons = summarize(log.failures)
    if (reasons) console.log(`  ${log.name} failures: ${reasons}`)
  }
  const viewerOk = viewerEvents.missed === 0 && viewerEvents.events > 0
  console.log(
    `  normal viewer: ${fmt(viewerEvents.events)} events, ${fmt(viewerEvents.missed)} missed without notice, ` +
      `${fmt(viewerEvents.skipped)} skipped with ${fmt(viewerEvents.notices)} notices  ${verdict(viewerOk)}`
  )

  console.log('\nAttacks')
  console.log(`  blank-line floods: ${fmt(blank.bytes / MB)} MB on ${fmt(blank.connections)} connections; server answered: ${summarize([...blank.answers].flatMap(([a, n]) => Array(n).fill(a))) || 'nothing'}`)
  console.log(`  never-read downloads: ${fmt(never.opened)} held until the end`)
  console.log(`  slowloris: ${fmt(loris.opened)} connections; the server closed ${fmt(loris.closedByServer)}${loris.closedByServer ? `, the longest after ${fmt(loris.longestHeldS, 1)} s` : ''}`)
  console.log(`  UDP flood: ${fmt(udp.sent)} datagrams, ${fmt(udp.replies)} answered; ${SLOW_VIEWERS} slow viewers`)
  if (captureEnd) console.log(`  capture: ${fmt(captureEnd.packets)} packets, ${fmt(captureEnd.skipped ?? 0)} skipped to catch up, ${fmt(captureEnd.forgotten ?? 0)} no longer in the export`)

  const results = {
    when: new Date().toISOString(),
    seconds,
    memory: memoryRows.map(({ name, start, peak, end, bound }) => ({ name, start, peak, end, bound })),
    clients: clients.map(({ log }) => ({ name: log.name, requests: log.times.length, failures: log.failures, medianMs: log.median(), worstMs: log.worst() })),
    viewer: viewerEvents,
    capture: captureEnd,
    attacks: { blank: { ...blank, answers: Object.fromEntries(blank.answers) }, never, loris, udp }
  }
  const out = path.join(ROOT, 'bench', 'results')
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(path.join(out, 'soak.json'), JSON.stringify(results, null, 2))

  const failed = [...memoryRows.filter((m) => !m.ok).map((m) => `${m.name} memory`), ...clients.filter((c) => !c.ok).map((c) => c.log.name), ...(viewerOk ? [] : ['normal viewer'])]
  console.log(`\nresults written to bench/results/soak.json`)
  console.log(failed.length ? `soak: MISS (${failed.join('; ')})` : 'soak: PASS')
  process.exitCode = failed.length ? 1 : 0
}

/** "431 ×3, ECONNRESET ×1": each distinct item with its count. */
function summarize(items) {
  const counts = new Map()
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1)
  return [...counts].map(([item, n]) => `${item} ×${n}`).join(', ')
}

main().catch((err) => {
  console.error(`soak: FAILED: ${err?.stack ?? err}`)
  process.exitCode = 1
})
