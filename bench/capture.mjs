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

import dgram from 'node:dgram'
import os from 'node:os'
import { flood as answeredFlood } from './events.mjs'
import { fmt, freePort, loadAverage, openLabPage, rendererTasks, SOCKLAB, sleep, startPeer, startWebHost, table, targetTable } from './lib.mjs'

const DATAGRAMS = 100_000
const FLOOD_SECONDS_MAX = 10
/** Datagrams per turn of the event loop, and the pace: fast enough to measure the parser, not the kernel's buffers. */
const BATCH = 250
const RATE_PER_SECOND = 25_000
const TARGET_PER_SECOND = 10_000

/** Starts `socklab watch`, resolves once it captures; null (with the reason) where capture is impossible. */
async function startWatch(port) {
  const watch = startPeer(process.execPath, [SOCKLAB, 'watch', '-p', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] })
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

export async function benchCapture(results) {
  await benchWatch(results)
  await benchWireView(results)
}

async function benchWatch(results) {
  const port = await freePort()
  const started = await startWatch(port)
  if (started.skipped) {
    console.log(`\nCapture: skipped: ${started.skipped}`)
    results.capture = { skipped: started.skipped }
    return
  }
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

  console.log(`\nCapture: UDP flood of ${fmt(f.sent)} datagrams (${fmt(f.sent / f.seconds)}/s for ${fmt(f.seconds, 1)} s) to a loopback port, watched by socklab watch`)
  table(
    ['datagrams sent', 'packets parsed', 'parse s', 'packets/s parsed', 'dropped by the capture', 'summary count'],
    [[fmt(f.sent), fmt(parsed), fmt(seconds, 2), fmt(perSecond), dropped === null ? 'unknown' : fmt(dropped), summary ? fmt(Number(summary[1])) : '—']]
  )
  targetTable('Capture targets', [
    { name: 'packets/s parsed ≥ 10,000', ours: fmt(perSecond), peer: fmt(TARGET_PER_SECOND), ratio: `${fmt(perSecond / TARGET_PER_SECOND, 2)}×`, met: perSecond >= TARGET_PER_SECOND },
    { name: 'packets parsed / sent', ours: fmt(parsed), peer: fmt(f.sent), ratio: `${fmt(parsed / f.sent, 3)}×` },
    { name: 'dropped by the capture', ours: dropped === null ? 'unknown' : fmt(dropped) }
  ])
  results.capture = { sent: f.sent, sendSeconds: f.seconds, parsed, seconds, perSecond, dropped, summaryPackets: summary ? Number(summary[1]) : null }
}

/** The flood into the wire view: packets only, paced above the target. */
const WIRE_DATAGRAMS = 60_000
const WIRE_RATE = 12_000
/** The app's own exchange meanwhile: datagrams answered by the window's UDP server (about five events each). */
const APP_DATAGRAMS = 1000
const LONGEST_TASK_MS = 50

const windowStats = (page) =>
  page.evaluate(() => ({ events: { ...window.__socklabStats }, packets: { ...window.__socklabCaptureStats }, status: window.__socklabCaptureStatus() }))

async function benchWireView(results) {
  const host = await startWebHost()
  const { browser, page } = await openLabPage(host.url)
  try {
    await page.getByTestId('lab-udp').click()
    await page.getByTestId('view-wire').click()
    const status = page.getByTestId('capture-status')
    await status.filter({ hasText: /Capturing|not possible/ }).waitFor({ timeout: 30_000 })
    if (/not possible/.test(await status.textContent())) {
      const why = await page.getByTestId('capture-problem').textContent()
      console.log(`\nCapture into the wire view: skipped: ${why}`)
      results.captureWindow = { skipped: why }
      return
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
    const ms = (n) => (Number.isFinite(n) ? `${fmt(n)} ms` : '—')

    console.log(
      `\nCapture into the wire view: ${fmt(flooded.sent)} datagrams (${fmt(flooded.sent / flooded.seconds)}/s) to a captured lab port, while the window's UDP server ` +
        `answered ${fmt(app.replies)} of ${fmt(app.sent)} datagrams; captured by the browser host, rendered in the wire view (Chromium). ` +
        `Load average ${fmt(loadBefore, 1)} before, ${fmt(loadAfter, 1)} after (${os.cpus().length} cores)`
    )
    table(
      ['packets the host captured', 'packets in the wire view', 'left out for a slow window', 'unaccounted', 'window s', 'packets/s', 'events in the window', 'events missing', 'dropped by the capture'],
      [[fmt(hostPackets), fmt(packets), fmt(skipped), fmt(unaccounted), fmt(seconds, 2), fmt(perSecond), fmt(events), fmt(eventsMissing), dropped === null ? 'unknown' : fmt(dropped)]]
    )
    console.log('Renderer main thread during the flood (Chromium trace): wall time counts waiting for a core, CPU time is the window\u2019s own work')
    table(
      ['longest task', 'its CPU time', 'most CPU in one task', 'tasks ≥ 50 ms', 'tasks'],
      [[longest > 0 ? `${fmt(longest)} ms` : 'none ≥ 50 ms', ms(tasks.longestCpuMs), ms(tasks.mostCpuMs), fmt(tasks.over50ms), fmt(tasks.tasks)]]
    )
    targetTable('Wire view targets', [
      { name: 'packets/s into the wire view ≥ 10,000', ours: fmt(perSecond), peer: fmt(TARGET_PER_SECOND), ratio: `${fmt(perSecond / TARGET_PER_SECOND, 2)}×`, met: perSecond >= TARGET_PER_SECOND },
      { name: 'no app event lost', ours: fmt(eventsMissing), met: eventsMissing === 0 },
      { name: 'every packet shown or counted as left out', ours: fmt(unaccounted), met: unaccounted === 0 },
      { name: `longest renderer task < ${LONGEST_TASK_MS} ms`, ours: longest > 0 ? `${fmt(longest)} ms` : 'none ≥ 50 ms', met: longest < LONGEST_TASK_MS },
      { name: 'most CPU in one renderer task', ours: ms(tasks.mostCpuMs) },
      { name: 'dropped by the capture', ours: dropped === null ? 'unknown' : fmt(dropped) }
    ])
    results.captureWindow = { datagrams: flooded.sent, appDatagrams: app.sent, hostPackets, packets, skipped, unaccounted, seconds, perSecond, events, eventsMissing, longestTaskMs: longest, tasks, loadBefore, loadAfter, dropped }
  } finally {
    await browser.close()
    await host.stop()
  }
}
