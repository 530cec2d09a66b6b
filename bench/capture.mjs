// Capture, twice:
// 1. A bounded UDP flood on loopback, captured by `socklab watch` (tshark → parser →
//    conversation tracker → one line per packet), counted here as the lines arrive.
// 2. The same pipeline into the window (Chromium on the browser host): a flood of datagrams to a
//    lab port whose server has stopped (captured, and dropped by the kernel: packets, no events),
//    while the window's UDP server on another lab port answers a steady exchange (its events must
//    all arrive). Reported: packets/s the wire view took in, events lost (none may be), packets
//    the host left out for a slow window, the longest renderer task, the capture's drop count.
//
// Datagrams go to a port nobody listens on: the kernel still carries each one over the loopback
// interface (where it is captured) and then drops it, so no receiver competes for the two cores.
// Reported: datagrams sent, packets parsed and their rate from the first datagram to the last line,
// and the capture's own drop count (tshark's, from the summary). Target: ≥ 10,000 packets/s parsed.
//
// Given --baseline, a baseline build that has capture (`socklab watch`) takes the same turns, both
// parts, in alternating order; one without says so and the section runs as without a baseline.

import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import { flood as answeredFlood } from './events.mjs'
import { argvOf, baselineTarget, buildHas, childRss, fmt, freePort, labViewer, loadAverage, newOverOld, openLabPage, rendererTasks, sleep, startPeer, startWebHost, table, targetTable, THIS_BUILD, xRatio } from './lib.mjs'

const DATAGRAMS = 100_000
const FLOOD_SECONDS_MAX = 10
/** Datagrams per turn of the event loop, and the pace: fast enough to measure the parser, not the kernel's buffers. */
const BATCH = 250
const RATE_PER_SECOND = 25_000
const TARGET_PER_SECOND = 10_000
/** Turns per build when there is a baseline to compare with (`--rounds N` asks for more); one without. */
const ROUNDS = 2

/** Starts `socklab watch` of `build`, resolves once it captures; null (with the reason) where capture is impossible. */
async function startWatch(build, port) {
  const watch = startPeer(process.execPath, [...build.args, 'watch', '-p', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] })
  const child = watch.child
  let stderr = ''
  const counter = { lines: 0, lastLineAt: 0 }
  let partial = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop()
    counter.lines += parts.length
    counter.lastLineAt = performance.now()
  })
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (d) => (stderr += d))
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000)
    const check = () => {
      if (/^Watching /m.test(stderr)) {
        clearTimeout(timer)
        resolve(true)
      }
    }
    child.stderr.on('data', check)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve(false)
    })
  })
  if (!ready) {
    await watch.stop()
    return { skipped: stderr.trim().split('\n')[0] || 'socklab watch did not start' }
  }
  return { watch, counter, stderr: () => stderr }
}

/** Sends up to `count` small datagrams at `rate` per second, for at most FLOOD_SECONDS_MAX. */
async function flood(port, count = DATAGRAMS, rate = RATE_PER_SECOND) {
  const socket = dgram.createSocket('udp4')
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const payload = Buffer.alloc(32, 'x')
  const t0 = performance.now()
  let sent = 0
  while (sent < count && performance.now() - t0 < FLOOD_SECONDS_MAX * 1000) {
    for (let i = 0; i < BATCH && sent < count; i++, sent++) socket.send(payload, port, '127.0.0.1')
    const due = t0 + (sent / rate) * 1000
    await sleep(Math.max(0, due - performance.now()))
  }
  // Every send() has left once the socket closes cleanly.
  await new Promise((resolve) => socket.close(resolve))
  return { t0, sent, seconds: (performance.now() - t0) / 1000 }
}

/**
 * The turns of a comparison: each build once per round, in reverse order every other round, so
 * that whatever else loads the machine weighs on both alike. Calls `measure(build)`; a build whose
 * turn answers `{ unavailable }` (why it cannot be measured) takes no more turns, and the reason is
 * printed once. Resolves with each build's measurements and why a build could not be measured.
 */
async function turns(builds, rounds, what, measure) {
  const by = Object.fromEntries(builds.map((b) => [b.name, []]))
  const unavailable = {}
  for (let round = 0; round < rounds; round++) {
    for (const build of round % 2 ? [...builds].reverse() : builds) {
      if (unavailable[build.name]) continue
      const m = await measure(build)
      if (m.unavailable) {
        unavailable[build.name] = m.unavailable
        console.log(`\n${what}: ${build.name === THIS_BUILD.name ? 'skipped' : 'the baseline is skipped'}: ${m.unavailable}`)
      } else by[build.name].push(m)
    }
    if (unavailable[THIS_BUILD.name]) break
  }
  return { by, unavailable }
}

/** A sum over the turns where every turn knows the number (the capture's drop count may be unknown). */
const sumKnown = (values) => (values.some((v) => v === null || v === undefined) ? null : values.reduce((a, b) => a + b, 0))

export async function benchCapture(results, { baseline, rounds = ROUNDS } = {}) {
  let compare
  if (baseline) {
    if (buildHas(baseline, 'watch')) compare = baseline
    else console.log('\nCapture: baseline has no capture (its socklab has no watch program): socklab alone, no baseline columns')
  }
  const builds = compare ? [THIS_BUILD, compare] : [THIS_BUILD]
  const turnsEach = compare ? rounds : 1
  await benchWatch(results, builds, turnsEach)
  await benchWireView(results, builds, turnsEach)
  if (baseline) results.capture = { ...results.capture, baseline: baseline.describe, baselineHasCapture: Boolean(compare) }
}

/** One turn of `socklab watch` of `build`: a fresh capture, the flood, the lines counted. */
async function watchTurn(build) {
  const port = await freePort()
  const started = await startWatch(build, port)
  if (started.skipped) return { unavailable: started.skipped }
  const { watch, counter, stderr } = started
  const f = await flood(port)
  // The lines keep coming after the flood while tshark catches up: until all are in, or 2 s of silence.
  const floodEnd = performance.now()
  while (counter.lines < f.sent && performance.now() - Math.max(counter.lastLineAt, floodEnd) < 2000) await sleep(100)
  const parsed = counter.lines
  const seconds = parsed ? (counter.lastLineAt - f.t0) / 1000 : NaN
  watch.child.kill('SIGINT')
  await watch.exited
  const summary = /^(\d+) packets?, .*?, (?:(\d+) packets? dropped by the capture|drops unknown)/m.exec(stderr())
  const dropped = summary?.[2] !== undefined ? Number(summary[2]) : null
  const perSecond = parsed ? parsed / seconds : 0
  return { sent: f.sent, sendSeconds: f.seconds, parsed, seconds, perSecond, dropped, summaryPackets: summary ? Number(summary[1]) : null }
}

async function benchWatch(results, builds, rounds) {
  const { by, unavailable } = await turns(builds, rounds, 'Capture', watchTurn)
  if (unavailable[THIS_BUILD.name]) {
    results.capture = { skipped: unavailable[THIS_BUILD.name] }
    return
  }
  const names = builds.map((b) => b.name).filter((n) => by[n].length)
  const total = (name) => {
    const t = by[name]
    const parsed = t.reduce((a, m) => a + m.parsed, 0)
    const sent = t.reduce((a, m) => a + m.sent, 0)
    return { sent, parsed, perSecond: parsed / t.reduce((a, m) => a + (m.parsed ? m.seconds : 0), 0), dropped: sumKnown(t.map((m) => m.dropped)) }
  }
  const ours = total(THIS_BUILD.name)
  const f = by[THIS_BUILD.name][0]
  const old = names.includes('baseline') ? total('baseline') : undefined

  console.log(
    `\nCapture: UDP flood of ${fmt(f.sent)} datagrams (${fmt(f.sent / f.sendSeconds)}/s for ${fmt(f.sendSeconds, 1)} s) to a loopback port, watched by socklab watch` +
      (old ? `; the builds taking turns, ${rounds} each` : '')
  )
  table(
    [...(old ? ['build'] : []), 'datagrams sent', 'packets parsed', 'parse s', 'packets/s parsed', 'dropped by the capture', 'summary count'],
    names.flatMap((name) =>
      by[name].map((m) => [...(old ? [name] : []), fmt(m.sent), fmt(m.parsed), fmt(m.seconds, 2), fmt(m.perSecond), m.dropped === null ? 'unknown' : fmt(m.dropped), m.summaryPackets === null ? '—' : fmt(m.summaryPackets)])
    )
  )
  const targets = [
    { name: 'packets/s parsed ≥ 10,000', ours: fmt(ours.perSecond), peer: fmt(TARGET_PER_SECOND), ratio: xRatio(ours.perSecond / TARGET_PER_SECOND), met: ours.perSecond >= TARGET_PER_SECOND },
    { name: 'packets parsed / sent', ours: fmt(ours.parsed), peer: fmt(ours.sent), ratio: `${fmt(ours.parsed / ours.sent, 3)}×` },
    { name: 'dropped by the capture', ours: ours.dropped === null ? 'unknown' : fmt(ours.dropped), peer: old ? (old.dropped === null ? 'unknown' : fmt(old.dropped)) : undefined },
    ...(old
      ? [
          baselineTarget('packets/s parsed', { ours: ours.perSecond, old: old.perSecond, ratio: newOverOld(by.socklab.map((m) => m.perSecond), by.baseline.map((m) => m.perSecond)), how: 'turn by turn' }),
          baselineTarget('packets parsed', { ours: ours.parsed, old: old.parsed })
        ]
      : [])
  ]
  targetTable(`Capture targets${old ? ' (peer: the target, or the baseline where named)' : ''}`, targets)
  results.capture = { ...ours, turns: by, targets }
}

/** The flood into the wire view: packets only, paced above the target. */
const WIRE_DATAGRAMS = 60_000
const WIRE_RATE = 12_000
/** The app's own exchange meanwhile: datagrams answered by the window's UDP server (about five events each). */
const APP_DATAGRAMS = 1000
const LONGEST_TASK_MS = 50

const windowStats = (page) =>
  page.evaluate(() => ({ events: { ...window.__socklabStats }, packets: { ...window.__socklabCaptureStats }, status: window.__socklabCaptureStatus() }))

/**
 * One turn of the wire view of `build`: its browser host and a Chromium of its own, the lab window's
 * UDP servers started, the flood, the counts; `{ unavailable }` where capture is impossible or the
 * window has no wire view (an older build).
 */
async function wireTurn(build) {
  const host = await startWebHost(build)
  const { browser, page } = await openLabPage(host.url)
  try {
    await page.getByTestId('lab-udp').click()
    const wire = page.getByTestId('view-wire')
    if (!(await wire.waitFor({ timeout: 10_000 }).then(() => true, () => false))) return { unavailable: 'its window has no wire view (no view-wire tab)' }
    await wire.click()
    const status = page.getByTestId('capture-status')
    await status.filter({ hasText: /Capturing|not possible/ }).waitFor({ timeout: 30_000 })
    if (/not possible/.test(await status.textContent())) {
      return { unavailable: await page.getByTestId('capture-problem').textContent() }
    }
    // A server on the flood's port, started and stopped: the capture keeps the port (ports are
    // only ever added), and nothing answers there any more.
    const [floodPort, appPort] = [await freePort(), await freePort()]
    const startUdpServer = async (port) => {
      await page.getByTestId('server-port').fill(String(port))
      await page.getByTestId('server-start').click()
      await page.getByTestId('server-status').filter({ hasText: String(port) }).waitFor()
      await status.filter({ hasText: new RegExp(`Capturing ports? [\\d, ]*\\b${port}\\b`) }).waitFor({ timeout: 30_000 })
    }
    await startUdpServer(floodPort)
    await page.getByTestId('server-stop').click()
    await page.getByTestId('server-status').filter({ hasText: 'stopped' }).waitFor()
    await startUdpServer(appPort)
    await sleep(500)
    await page.evaluate(() => (window.__longestTask = 0))
    const before = await windowStats(page)
    // The renderer's tasks with their CPU time: what the window computed, apart from waiting for a core.
    await browser.startTracing(page, { categories: ['toplevel'] })
    const loadBefore = loadAverage()

    const t0 = performance.now()
    const [flooded, app] = await Promise.all([flood(floodPort, WIRE_DATAGRAMS, WIRE_RATE), answeredFlood(appPort, APP_DATAGRAMS, undefined, 4)])
    // The window keeps taking packets in after the flood while tshark catches up: until every
    // packet is in, or nothing has moved for 5 s (tshark may lag seconds behind on a busy machine).
    const expected = before.packets.received + 2 * app.sent + flooded.sent
    let last = await windowStats(page)
    let movedAt = performance.now()
    for (const until = performance.now() + 60_000; performance.now() < until && last.packets.received < expected; ) {
      await sleep(200)
      const now = await windowStats(page)
      // The host's own count (in the status the window polls) too: it may still be parsing while the window waits.
      if (now.packets.received !== last.packets.received || now.events.received !== last.events.received || now.status?.packets !== last.status?.packets) movedAt = performance.now()
      else if (performance.now() - movedAt > 5000) break
      last = now
    }
    const longest = await page.evaluate(() => window.__longestTask)
    const tasks = rendererTasks(await browser.stopTracing())
    const loadAfter = loadAverage()
    await page.getByTestId('capture-stop').click()
    await page.getByTestId('capture-start').waitFor()
    // Stopped, the host has parsed its last packets: the window takes them in or is told it was left out of them.
    let after = await windowStats(page)
    for (const until = performance.now() + 10_000; performance.now() < until; after = await windowStats(page)) {
      if (after.packets.received + after.packets.skipped - before.packets.received - before.packets.skipped >= (after.status?.packets ?? 0) - (before.status?.packets ?? 0)) break
      await sleep(200)
    }
    const packets = after.packets.received - before.packets.received
    const skipped = after.packets.skipped - before.packets.skipped
    const events = after.events.received - before.events.received
    const eventsMissing = after.events.lastSeq - before.events.lastSeq - events
    const seconds = (movedAt - t0) / 1000
    const perSecond = packets / seconds
    const dropped = after.status?.dropped ?? null
    const hostPackets = (after.status?.packets ?? 0) - (before.status?.packets ?? 0)
    // Neither in the view nor counted as left out: lost without a word (must be none).
    const unaccounted = hostPackets - packets - skipped

    return { datagrams: flooded.sent, floodSeconds: flooded.seconds, appDatagrams: app.sent, appReplies: app.replies, hostPackets, packets, skipped, unaccounted, seconds, perSecond, events, eventsMissing, longestTaskMs: longest, tasks, loadBefore, loadAfter, dropped }
  } finally {
    await browser.close()
    await host.stop()
  }
}

async function benchWireView(results, builds, rounds) {
  const { by, unavailable } = await turns(builds, rounds, 'Capture into the wire view', wireTurn)
  if (unavailable[THIS_BUILD.name]) {
    results.captureWindow = { skipped: unavailable[THIS_BUILD.name] }
    return
  }
  const names = builds.map((b) => b.name).filter((n) => by[n].length)
  const old = names.includes('baseline')
  const ms = (n) => (Number.isFinite(n) ? `${fmt(n)} ms` : '—')
  const taskText = (n) => (n > 0 ? `${fmt(n)} ms` : `none ≥ ${LONGEST_TASK_MS} ms`)
  const sum = (name, key) => by[name].reduce((a, m) => a + m[key], 0)
  /** A build's turns as one: packets/s over all its turns, the worst task, the counts added up. */
  const total = (name) => ({
    perSecond: sum(name, 'packets') / sum(name, 'seconds'),
    eventsMissing: sum(name, 'eventsMissing'),
    unaccounted: sum(name, 'unaccounted'),
    longest: Math.max(...by[name].map((m) => m.longestTaskMs)),
    mostCpuMs: Math.max(...by[name].map((m) => m.tasks.mostCpuMs)),
    dropped: sumKnown(by[name].map((m) => m.dropped))
  })
  const first = by[THIS_BUILD.name][0]

  console.log(
    `\nCapture into the wire view: ${fmt(first.datagrams)} datagrams (${fmt(first.datagrams / first.floodSeconds)}/s) to a captured lab port, while the window's UDP server ` +
      `answered ${fmt(first.appReplies)} of ${fmt(first.appDatagrams)} datagrams; captured by the browser host, rendered in the wire view (Chromium)` +
      `${old ? `; the builds taking turns, ${rounds} each` : ''}`
  )
  const buildColumn = old ? ['build'] : []
  table(
    [...buildColumn, 'packets the host captured', 'packets in the wire view', 'left out for a slow window', 'unaccounted', 'window s', 'packets/s', 'events in the window', 'events missing', 'dropped by the capture'],
    names.flatMap((name) =>
      by[name].map((m) => [
        ...(old ? [name] : []),
        fmt(m.hostPackets),
        fmt(m.packets),
        fmt(m.skipped),
        fmt(m.unaccounted),
        fmt(m.seconds, 2),
        fmt(m.perSecond),
        fmt(m.events),
        fmt(m.eventsMissing),
        m.dropped === null ? 'unknown' : fmt(m.dropped)
      ])
    )
  )
  console.log(
    'Renderer main thread during the flood (Chromium trace): wall time counts waiting for a core, CPU time is the window\u2019s own work; ' +
      `the load average (threads wanting one of the ${os.cpus().length} cores) before and after the flood`
  )
  table(
    [...buildColumn, 'longest task', 'its CPU time', 'most CPU in one task', 'tasks ≥ 50 ms', 'tasks', 'load average'],
    names.flatMap((name) =>
      by[name].map((m) => [...(old ? [name] : []), taskText(m.longestTaskMs), ms(m.tasks.longestCpuMs), ms(m.tasks.mostCpuMs), fmt(m.tasks.over50ms), fmt(m.tasks.tasks), `${fmt(m.loadBefore, 1)} / ${fmt(m.loadAfter, 1)}`])
    )
  )
  const ours = total(THIS_BUILD.name)
  const base = old ? total('baseline') : undefined
  const targets = [
    { name: 'packets/s into the wire view ≥ 10,000', ours: fmt(ours.perSecond), peer: fmt(TARGET_PER_SECOND), ratio: xRatio(ours.perSecond / TARGET_PER_SECOND), met: ours.perSecond >= TARGET_PER_SECOND },
    { name: 'no app event lost', ours: fmt(ours.eventsMissing), met: ours.eventsMissing === 0 },
    { name: 'every packet shown or counted as left out', ours: fmt(ours.unaccounted), met: ours.unaccounted === 0 },
    { name: `longest renderer task < ${LONGEST_TASK_MS} ms`, ours: taskText(ours.longest), met: ours.longest < LONGEST_TASK_MS },
    { name: 'most CPU in one renderer task', ours: ms(ours.mostCpuMs) },
    { name: 'dropped by the capture', ours: ours.dropped === null ? 'unknown' : fmt(ours.dropped) },
    ...(base
      ? [
          baselineTarget('packets/s into the wire view', { ours: ours.perSecond, old: base.perSecond, ratio: newOverOld(by.socklab.map((m) => m.perSecond), by.baseline.map((m) => m.perSecond)), how: 'turn by turn' }),
          baselineTarget('longest renderer task', {
            ours: ours.longest,
            old: base.longest,
            // The observer sees no task under 50 ms: one it did not see counts as 50 ms on either side.
            ratio: Math.max(ours.longest, LONGEST_TASK_MS) / Math.max(base.longest, LONGEST_TASK_MS),
            lowerIsBetter: true,
            show: taskText,
            how: `one under ${LONGEST_TASK_MS} ms counts as ${LONGEST_TASK_MS}`
          }),
          baselineTarget('most CPU in one renderer task', { ours: ours.mostCpuMs, old: base.mostCpuMs, lowerIsBetter: true, show: ms })
        ]
      : [])
  ]
  targetTable(`Wire view targets${base ? ' (peer: the target, or the baseline where named)' : ''}`, targets)
  results.captureWindow = { ...first, turns: by, targets }
}

// ── The capture's bounds (issue 15), this build only ────────────────────────────
// Through the browser host, as a window drives it: 500 ports used (UDP servers started and
// stopped), then the time for a new port's first datagram to reach the window's feed; then a
// bounded flood of a captured port, sampling tshark's memory (each tshark the host runs) and the
// capture's files on disk, and the time for a datagram sent after the flood to reach the feed.

/** The stated bounds (CAPTURE_LIMITS in src/session/lab-capture.ts and README). */
const BOUND_DISK_MB = 192
const BOUND_TSHARK_MB = 250
const BOUND_NEW_PORT_MS = 2000
const BOUND_AFTER_FLOOD_S = 10
const PORTS_USED = 500
const BOUND_FLOOD = 600_000
const BOUND_FLOOD_RATE = 60_000
const BOUND_FLOOD_SECONDS_MAX = 20

/** The capture's folder, from the `-w` of a tshark the host runs; and the bytes of its files. */
export function captureDisk(hostPid) {
  let folder
  for (const pid of Object.keys(childRss(hostPid, 'tshark'))) {
    const argv = argvOf(Number(pid))
    const w = argv.indexOf('-w')
    if (w >= 0) folder = argv[w + 1].replace(/\/[^/]*$/, '')
  }
  if (!folder) return { folder, mb: NaN }
  let bytes = 0
  for (const f of fs.readdirSync(folder, { withFileTypes: true })) bytes += f.isFile() ? (fs.statSync(`${folder}/${f.name}`, { throwIfNoEntry: false })?.size ?? 0) : 0
  return { folder, mb: bytes / 1024 / 1024 }
}

export async function benchCaptureBounds(results) {
  const host = await startWebHost()
  const hostPid = host.child.pid
  const viewer = await labViewer(host.url)
  try {
    const status = await viewer.call('startCapture')
    if (!status.ok || status.value.state === 'unavailable') {
      console.log(`\nCapture bounds: skipped: ${(status.value?.problem && JSON.stringify(status.value.problem.said)) ?? status.error}`)
      results.captureBounds = { skipped: true }
      return
    }
    let latest = { port: 0, length: 0, at: 0, skipped: 0 }
    viewer.onPackets((packets, skipped) => {
      latest.skipped += skipped
      for (const p of packets) if (p.dst.port === latest.port && p.length === latest.length && !latest.at) latest.at = performance.now()
    })
    // 500 ports used: servers started and stopped one after the other (a lab holds at most 64 at once).
    const used = new Set()
    while (used.size < PORTS_USED) used.add(await freePort())
    const t0 = performance.now()
    for (const port of used) {
      const started = await viewer.call('start', [{ kind: 'udp-server', address: '127.0.0.1', port, recvSize: 2048 }])
      if (started.ok) await viewer.call('stop', [started.value.id])
    }
    // Until the capture has settled on them all (a restart may be under way).
    for (const until = performance.now() + 120_000; performance.now() < until; await sleep(500)) {
      const s = (await viewer.call('captureStatus')).value
      if (s.state === 'on' && s.ports.length >= Math.min(PORTS_USED, 17)) break
    }
    const portsSeconds = (performance.now() - t0) / 1000

    // A new port: its server started as the window starts it, then a datagram from outside.
    const newPort = await freePort()
    const server = await viewer.call('start', [{ kind: 'udp-server', address: '127.0.0.1', port: newPort, recvSize: 2048 }])
    const socket = dgram.createSocket('udp4')
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
    latest = { port: newPort, length: 5, at: 0, skipped: 0 }
    const sentAt = performance.now()
    // Sent again every 100 ms (at most 100 times) until one arrives: the first one the window sees tells the delay.
    for (let i = 0; i < 100 && !latest.at; i++) {
      socket.send('first', newPort, '127.0.0.1')
      await sleep(100)
    }
    const newPortMs = latest.at ? latest.at - sentAt : NaN
    await viewer.call('stop', [server.value.id])

    // The bounded flood to a captured port (nobody listens there any more).
    const floodPort = [...used][0]
    const samples = []
    const sample = () => {
      const rss = Object.values(childRss(hostPid, 'tshark'))
      samples.push({ t: performance.now(), tsharkMaxMb: Math.max(0, ...rss), tsharkSumMb: rss.reduce((a, b) => a + b, 0), diskMb: captureDisk(hostPid).mb, hostMb: childRssOf(hostPid) })
    }
    const sampler = setInterval(sample, 500)
    const payload = Buffer.alloc(32, 'x')
    const f0 = performance.now()
    let sent = 0
    while (sent < BOUND_FLOOD && performance.now() - f0 < BOUND_FLOOD_SECONDS_MAX * 1000) {
      for (let i = 0; i < BATCH && sent < BOUND_FLOOD; i++, sent++) socket.send(payload, floodPort, '127.0.0.1')
      await sleep(Math.max(0, f0 + (sent / BOUND_FLOOD_RATE) * 1000 - performance.now()))
    }
    const floodSeconds = (performance.now() - f0) / 1000
    // A datagram every 250 ms after the flood (at most 30 s): the first to reach the window tells how far behind it is.
    latest = { port: floodPort, length: 333, at: 0, skipped: latest.skipped }
    const ended = performance.now()
    for (let i = 0; i < 120 && !latest.at; i++) {
      socket.send(Buffer.alloc(333), floodPort, '127.0.0.1')
      await sleep(250)
    }
    const afterFloodS = latest.at ? (latest.at - ended) / 1000 : NaN
    await sleep(5000)
    clearInterval(sampler)
    sample()
    socket.close()
    const end = (await viewer.call('captureStatus')).value
    const peak = (key) => Math.max(...samples.map((x) => x[key]).filter(Number.isFinite))
    const m = { portsSeconds, newPortMs, sent, floodSeconds, afterFloodS, tsharkMaxMb: peak('tsharkMaxMb'), tsharkSumMb: peak('tsharkSumMb'), diskMb: peak('diskMb'), hostMb: peak('hostMb'), skipped: end.skipped ?? 0, forgotten: end.forgotten ?? 0, dropped: end.dropped, packets: end.packets }
    console.log(`\nCapture bounds: ${PORTS_USED} ports used (${fmt(portsSeconds, 1)} s), then ${fmt(sent)} datagrams in ${fmt(floodSeconds, 1)} s to a captured port; tshark and disk sampled every 500 ms`)
    table(
      ['tshark RSS, largest one', 'all tsharks', 'capture files on disk', 'host RSS', 'packets to the window', 'skipped to catch up', 'no longer in the export', 'dropped by the kernel'],
      [[`${fmt(m.tsharkMaxMb)} MB`, `${fmt(m.tsharkSumMb)} MB`, `${fmt(m.diskMb)} MB`, `${fmt(m.hostMb)} MB`, fmt(m.packets), fmt(m.skipped), fmt(m.forgotten), m.dropped === null ? 'unknown' : fmt(m.dropped)]]
    )
    targetTable('Capture bound targets', [
      { name: `a new port’s first packet in the window after ${PORTS_USED} ports ≤ ${BOUND_NEW_PORT_MS} ms`, ours: `${fmt(newPortMs)} ms`, met: newPortMs <= BOUND_NEW_PORT_MS },
      { name: `the newest packets in the window after the flood ≤ ${BOUND_AFTER_FLOOD_S} s`, ours: `${fmt(afterFloodS, 1)} s`, met: afterFloodS <= BOUND_AFTER_FLOOD_S },
      { name: `tshark RSS (each) ≤ ${BOUND_TSHARK_MB} MB`, ours: `${fmt(m.tsharkMaxMb)} MB`, met: m.tsharkMaxMb <= BOUND_TSHARK_MB },
      { name: `capture files ≤ ${BOUND_DISK_MB} MB`, ours: `${fmt(m.diskMb)} MB`, met: m.diskMb <= BOUND_DISK_MB }
    ])
    results.captureBounds = m
  } finally {
    viewer.close()
    await host.stop()
  }
}

/** The resident memory (MB) of one process. */
function childRssOf(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
  } catch {
    return NaN
  }
}
