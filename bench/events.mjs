// The event pipeline: engine → browser host → WebSocket → renderer store → virtualised log.
// A UDP server started in the lab window is flooded with datagrams (each makes about five events:
// recv, send and console lines; the bench counts them first); we watch the window's own counters.
// Given --baseline, another build's browser host and window take the same bursts, in turns.

import dgram from 'node:dgram'
import fs from 'node:fs'
import { baselineTarget, fmt, freePort, middle, newOverOld, openLabPage, sleep, startWebHost, table, targetTable, THIS_BUILD, xRatio } from './lib.mjs'

const BURST_EVENTS = 100_000
/** Small bursts per build (`--rounds N` asks for more; two at least: memory is flat when the second matches the first). */
const BURSTS = 2
/** Single datagrams sent one at a time to time the whole path, datagram to the window's counter. */
const LATENCY_PROBES = 30
/** The window's longtask observer reports tasks of 50 ms or more only. */
const LONG_TASK_MS = 50
const BURST_SECONDS_MAX = 30
/**
 * At most this many datagrams without a reply, so that the kernel's socket buffers never overflow:
 * a small datagram takes about 1 KB of a receive buffer (its sk_buff), and the default buffer
 * (net.core.rmem_default, 208 KB) holds about 200; with 256 in flight some were dropped.
 */
const WINDOW = 128

/**
 * The large-payload burst: datagrams of 60,000 bytes (each makes two events of 60 KB: the server's
 * recvfrom and its reply), the worst case for the 64 KiB previews. Two in flight: the default
 * receive buffer holds about three of them.
 */
const BIG_DATAGRAM = 60_000
const BIG_COUNT = 2000
const BIG_WINDOW = 2

/**
 * Sends `count` datagrams, keeping at most WINDOW without a reply: the engine's UDP server runs
 * flat out, and the kernel drops (almost) nothing, so each burst really makes its events.
 * Resolves with the datagrams answered and lost and when the last reply came (performance.now()).
 */
export async function flood(port, count, payload = Buffer.from('hello world'), window = WINDOW) {
  const socket = dgram.createSocket('udp4')
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  let sent = 0
  let replies = 0
  let lost = 0
  let inFlight = 0
  let lastReply = performance.now()
  let silentSince = lastReply
  const until = performance.now() + BURST_SECONDS_MAX * 1000
  const pump = () => {
    while (sent < count && inFlight < window) {
      sent++
      inFlight++
      socket.send(payload, port, '127.0.0.1')
    }
  }
  socket.on('message', () => {
    replies++
    inFlight = Math.max(0, inFlight - 1)
    lastReply = silentSince = performance.now()
    pump()
  })
  pump()
  // Done when every reply is back, or the last ones were lost (UDP): nothing for 300 ms. A lost
  // datagram must not stall the window: after 300 ms of silence what is in flight is written off.
  while (replies + lost < count && performance.now() < until) {
    await sleep(20)
    if (performance.now() - silentSince > 300 && inFlight > 0) {
      lost += inFlight
      inFlight = 0
      silentSince = performance.now()
      pump()
    }
  }
  socket.close()
  return { sent, replies, lost, lastReply }
}

/**
 * Samples the window's counters every 20 ms while `work` runs, then until they stop moving (1 s
 * without a change, or BURST_SECONDS_MAX). Resolves with the work's result, the counters at the
 * end and when they reached their final value (performance.now()).
 */
async function measure(page, work) {
  const samples = []
  const t0 = performance.now()
  let done = false
  const sampler = (async () => {
    while (!done) {
      samples.push([performance.now(), await stats(page)])
      await sleep(20)
    }
  })()
  const result = await work()
  for (;;) {
    await sleep(100)
    const last = samples.at(-1)
    const changed = samples.findLast(([, s]) => s.received !== last[1].received)
    if (!changed || last[0] - changed[0] > 3000 || performance.now() - t0 > BURST_SECONDS_MAX * 1000) break
  }
  done = true
  await sampler
  const final = samples.at(-1)[1]
  const reachedAt = samples.find(([, s]) => s.received === final.received)[0]
  return { t0, result, final, reachedAt }
}

const stats = (page) => page.evaluate(() => ({ ...window.__socklabStats }))

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** Samples the host's RSS every 50 ms while `work` runs; resolves with the work's result and the peak. */
async function withPeakRss(pid, work) {
  let peak = rssMB(pid)
  let done = false
  const sampler = (async () => {
    while (!done) {
      peak = Math.max(peak, rssMB(pid))
      await sleep(50)
    }
  })()
  const result = await work()
  done = true
  await sampler
  return { result, peak }
}

async function heapMB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1024 / 1024
}

/**
 * One burst of at least BURST_EVENTS events. `perDatagram` (counted beforehand) sets how many
 * datagrams that takes. The window is checked against the engine: the seq numbers it saw must
 * advance by exactly the number of events it received, so nothing went missing on the way.
 */
async function burst(page, port, perDatagram, datagrams = Math.ceil(BURST_EVENTS / perDatagram), payload, window) {
  const before = await stats(page)
  const m = await measure(page, () => flood(port, datagrams, payload, window))
  const events = m.final.received - before.received
  const seconds = (m.reachedAt - m.t0) / 1000
  const engineSeconds = (m.result.lastReply - m.t0) / 1000
  return {
    datagrams,
    datagramsLost: m.result.lost,
    events,
    missing: m.final.lastSeq - before.lastSeq - events,
    seconds,
    perSecond: events / seconds,
    engineSeconds,
    enginePerSecond: events / engineSeconds,
    rows: m.final.rendered
  }
}

/** Events one datagram makes, counted: send one, wait until the window's counter settles. */
async function eventsPerDatagram(page, port) {
  // Let the server's own start-up events (listen, "Server waiting on") arrive first: they are not the flood's.
  await measure(page, async () => {})
  const before = (await stats(page)).received
  const m = await measure(page, () => flood(port, 10))
  return Math.floor((m.final.received - before) / 10)
}

/** Why a build's window cannot be measured like this one's: the bench then says so instead of printing a number. */
class Unmeasurable extends Error {}

/**
 * A build's browser host with its lab window open in Chromium (a browser of its own, so that two
 * windows never share a renderer process), its UDP server started on a free port, and the events
 * one datagram makes counted. Throws Unmeasurable where the window lacks what the bench reads.
 */
async function openRig(build) {
  const host = await startWebHost(build)
  let browser
  try {
    const opened = await openLabPage(host.url)
    browser = opened.browser
    const page = opened.page
    // An older window without a control the bench needs must fail in seconds, not after 30 s.
    page.setDefaultTimeout(15_000)
    const counters = await page
      .waitForFunction(() => typeof window.__socklabStats?.received === 'number' && typeof window.__socklabStats?.lastSeq === 'number', undefined, { timeout: 10_000 })
      .then(() => true, () => false)
    if (!counters) throw new Unmeasurable('its window has no event counters (window.__socklabStats with received and lastSeq)')
    const control = async (id) => {
      const found = page.getByTestId(id)
      await found.first().waitFor({ timeout: 5_000 }).catch(() => {
        throw new Unmeasurable(`its window has no ${id} control (data-testid)`)
      })
      return found
    }
    await (await control('lab-udp')).click()
    for (const id of ['server-port', 'server-recv-size', 'server-start', 'server-status']) await control(id)
    const port = await freePort()
    await page.getByTestId('server-port').fill(String(port))
    // recvfrom takes whole datagrams, the large ones too.
    await page.getByTestId('server-recv-size').fill('65507')
    await page.getByTestId('server-start').click()
    await page.getByTestId('server-status').filter({ hasText: String(port) }).waitFor()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const perDatagram = await eventsPerDatagram(page, port)
    if (perDatagram < 1) throw new Unmeasurable("a datagram to its window's UDP server made no event in the window")
    const probe = dgram.createSocket('udp4')
    await new Promise((resolve) => probe.bind(0, '127.0.0.1', resolve))
    return {
      name: build.name,
      host,
      page,
      cdp,
      port,
      perDatagram,
      probe,
      pid: host.child.pid,
      async close() {
        probe.close()
        await browser.close()
        await host.stop()
      }
    }
  } catch (err) {
    await browser?.close()
    await host.stop()
    throw err
  }
}

/**
 * One datagram, alone: the time from sending it until the last of the events it makes reaches the
 * window (engine, host, WebSocket and the renderer's store), read by polling the window's last seq
 * every ms (the seq, not the count: a window that fell behind skips events but still moves on).
 */
async function latencyProbe(rig) {
  const target = (await stats(rig.page)).lastSeq + rig.perDatagram
  const t0 = performance.now()
  rig.probe.send('hello world', rig.port, '127.0.0.1')
  await rig.page.waitForFunction((n) => window.__socklabStats.lastSeq >= n, target, { polling: 1, timeout: 10_000 })
  return performance.now() - t0
}

/** The value below which a fraction `q` of `values` lie (nearest rank). */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

/** A longest task as printed: the observer sees none under 50 ms. */
const taskText = (ms) => (ms > 0 ? `${fmt(ms)} ms` : `none ≥ ${LONG_TASK_MS} ms`)

export async function benchEvents(results, { baseline, rounds } = {}) {
  const bursts = Math.max(BURSTS, rounds ?? BURSTS)
  const rigs = [await openRig(THIS_BUILD)]
  /** Why the baseline's window cannot be measured the same way, if it cannot. */
  let baselineProblem
  try {
    if (baseline) {
      try {
        rigs.push(await openRig(baseline))
      } catch (err) {
        if (!(err instanceof Unmeasurable)) throw err
        baselineProblem = `the baseline cannot be measured the same way: ${err.message}`
        console.log(`\nEvent pipeline: ${baselineProblem}; socklab alone`)
      }
    }
    const by = Object.fromEntries(rigs.map((rig) => [rig.name, { bursts: [], longest: [], heap: [], rssPeak: [], latency: [] }]))
    for (const rig of rigs) by[rig.name].rssStart = rssMB(rig.pid)

    // The builds take turns, burst by burst, in reverse order every other burst: whatever else
    // loads the machine weighs on both alike. The longest task is read after each burst and before
    // the forced GC of the heap sample, so that the bench's own GC never counts as the window's.
    for (let i = 0; i < bursts; i++) {
      for (const rig of i % 2 ? [...rigs].reverse() : rigs) {
        const m = by[rig.name]
        await rig.page.evaluate(() => (window.__longestTask = 0))
        const { result, peak } = await withPeakRss(rig.pid, () => burst(rig.page, rig.port, rig.perDatagram))
        m.bursts.push(result)
        m.rssPeak.push(peak)
        m.longest.push(await rig.page.evaluate(() => window.__longestTask))
        m.heap.push(await heapMB(rig.cdp))
      }
    }
    for (const rig of rigs) by[rig.name].rssAfterSmall = rssMB(rig.pid)
    // The whole path for one datagram at a time, the window's log already full; the builds alternate probe by probe.
    for (let i = 0; i < LATENCY_PROBES; i++) {
      for (const rig of i % 2 ? [...rigs].reverse() : rigs) {
        by[rig.name].latency.push(await latencyProbe(rig))
        await sleep(20)
      }
    }
    // Then the worst case for whole payloads: every event carries 60 KB.
    for (const rig of rigs) {
      const m = by[rig.name]
      const { result, peak } = await withPeakRss(rig.pid, () => burst(rig.page, rig.port, rig.perDatagram, BIG_COUNT, Buffer.alloc(BIG_DATAGRAM, 0x61), BIG_WINDOW))
      m.big = result
      m.rssPeakBig = peak
      m.heapAfterBig = await heapMB(rig.cdp)
      await sleep(2000)
      m.rssAfterBig = rssMB(rig.pid)
    }
    for (const m of Object.values(by)) {
      m.slower = m.bursts.reduce((a, b) => (b.perSecond < a.perSecond ? b : a))
      m.longestTask = Math.max(...m.longest)
      m.latencyMedian = middle(m.latency)
      m.latencyP90 = quantile(m.latency, 0.9)
    }
    const ours = by.socklab
    const old = by.baseline

    const perDatagramText = rigs.map((rig) => `${rig.perDatagram} events per datagram${old ? ` (${rig.name})` : ''}`).join(', ')
    console.log(
      `\nEvent pipeline: UDP flood into the lab window (${perDatagramText}, at most ${WINDOW} unanswered), ` +
        `≥ ${fmt(BURST_EVENTS)} events per burst, ${bursts} bursts${old ? ', the builds taking turns' : ''}; the window keeps 50,000`
    )
    table(
      [...(old ? ['build'] : []), 'burst', 'events in window', 'missing', 'datagrams lost', 'engine s', 'engine events/s', 'window s', 'window events/s', 'log rows held', 'JS heap after (MB)', 'longest task'],
      Array.from({ length: bursts }, (_, i) =>
        rigs.map(({ name }) => {
          const b = by[name].bursts[i]
          return [
            ...(old ? [name] : []),
            String(i + 1),
            fmt(b.events),
            fmt(b.missing),
            fmt(b.datagramsLost),
            fmt(b.engineSeconds, 2),
            fmt(b.enginePerSecond),
            fmt(b.seconds, 2),
            fmt(b.perSecond),
            fmt(b.rows),
            fmt(by[name].heap[i], 1),
            taskText(by[name].longest[i])
          ]
        })
      ).flat()
    )
    console.log(`\nLatency: ${LATENCY_PROBES} single datagrams${old ? ' per build, the builds taking turns' : ''}, from the send until the last of its events reached the window (ms)`)
    table(
      ['build', 'median', '90th percentile', 'worst'],
      rigs.map(({ name }) => [name, fmt(by[name].latencyMedian, 1), fmt(by[name].latencyP90, 1), fmt(Math.max(...by[name].latency), 1)])
    )

    const missing = ours.bursts.reduce((sum, b) => sum + b.missing, 0)
    const growth = ours.heap.at(-1) / ours.heap[0]
    const mb = (n) => `${fmt(n, 1)} MB`
    const ms = (n) => `${fmt(n, 1)} ms`
    const perS = (n) => `${fmt(n)}/s`
    /** The observer sees no task under 50 ms: one it did not see counts as 50 ms on either side. */
    const taskRatio = Math.max(ours.longestTask, LONG_TASK_MS) / Math.max(old?.longestTask ?? NaN, LONG_TASK_MS)
    const targets = [
      { name: 'events/s delivered to the window ≥ 50,000 (slower burst)', ours: perS(ours.slower.perSecond), ratio: xRatio(ours.slower.perSecond / 50_000), met: ours.slower.perSecond >= 50_000 },
      { name: 'events/s the engine made (same burst)', ours: perS(ours.slower.enginePerSecond) },
      { name: 'no event lost between engine and window', ours: fmt(missing), met: missing === 0 },
      { name: 'longest main-thread task < 100 ms', ours: taskText(ours.longestTask), met: ours.longestTask < 100 },
      { name: `memory flat: heap after burst ${bursts} ≤ 1.2× burst 1`, ours: mb(ours.heap.at(-1)), peer: mb(ours.heap[0]), ratio: xRatio(growth), met: growth <= 1.2 },
      ...(old
        ? [
            baselineTarget('events/s delivered to the window', { ours: ours.slower.perSecond, old: old.slower.perSecond, ratio: newOverOld(ours.bursts.map((b) => b.perSecond), old.bursts.map((b) => b.perSecond)), show: perS, how: 'burst by burst; shown: slower burst' }),
            baselineTarget('events/s the engine made', { ours: ours.slower.enginePerSecond, old: old.slower.enginePerSecond, ratio: newOverOld(ours.bursts.map((b) => b.enginePerSecond), old.bursts.map((b) => b.enginePerSecond)), show: perS, how: 'burst by burst' }),
            baselineTarget('latency, median', { ours: ours.latencyMedian, old: old.latencyMedian, ratio: newOverOld(ours.latency, old.latency), lowerIsBetter: true, show: ms, how: 'probe by probe' }),
            baselineTarget('latency, 90th percentile', { ours: ours.latencyP90, old: old.latencyP90, lowerIsBetter: true, show: ms }),
            baselineTarget('longest main-thread task', { ours: ours.longestTask, old: old.longestTask, ratio: taskRatio, lowerIsBetter: true, show: taskText, how: `one under ${LONG_TASK_MS} ms counts as ${LONG_TASK_MS}` }),
            baselineTarget('JS heap after burst 1', { ours: ours.heap[0], old: old.heap[0], lowerIsBetter: true, show: mb }),
            baselineTarget(`JS heap after burst ${bursts}`, { ours: ours.heap.at(-1), old: old.heap.at(-1), lowerIsBetter: true, show: mb }),
            baselineTarget('host RSS at start', { ours: ours.rssStart, old: old.rssStart, lowerIsBetter: true, show: mb }),
            baselineTarget('host RSS peak, small bursts', { ours: Math.max(...ours.rssPeak), old: Math.max(...old.rssPeak), lowerIsBetter: true, show: mb }),
            baselineTarget('host RSS after the small bursts', { ours: ours.rssAfterSmall, old: old.rssAfterSmall, lowerIsBetter: true, show: mb })
          ]
        : []),
      ...(baselineProblem ? [{ name: 'against the baseline', peer: baselineProblem }] : [])
    ]
    targetTable(`Event pipeline targets (peer: the target itself; memory: burst 1${old ? '; or the baseline where named' : ''})`, targets)

    console.log(
      `\nLarge payloads: ${fmt(BIG_COUNT)} datagrams of ${fmt(BIG_DATAGRAM)} bytes (${fmt((2 * BIG_COUNT * BIG_DATAGRAM) / 1024 / 1024)} MB of payload in the log's events), ` +
        `each previewed whole while new; the host and the window keep whole previews within a 16 MiB budget${old ? '; the builds one after the other' : ''}`
    )
    const column = (name) => (old ? ` ${name}` : '')
    table(
      ['', ...rigs.flatMap(({ name }) => [`host RSS (MB)${column(name)}`, `window JS heap (MB)${column(name)}`])],
      [
        ['at start', ...rigs.flatMap(({ name }) => [fmt(by[name].rssStart, 1), ''])],
        ['small bursts: peak / after', ...rigs.flatMap(({ name }) => [`${fmt(Math.max(...by[name].rssPeak), 1)} / ${fmt(by[name].rssAfterSmall, 1)}`, fmt(by[name].heap.at(-1), 1)])],
        ['large burst: peak / after', ...rigs.flatMap(({ name }) => [`${fmt(by[name].rssPeakBig, 1)} / ${fmt(by[name].rssAfterBig, 1)}`, fmt(by[name].heapAfterBig, 1)])],
        ['large burst: events in window, missing, s', ...rigs.flatMap(({ name }) => [`${fmt(by[name].big.events)}, ${fmt(by[name].big.missing)}, ${fmt(by[name].big.seconds, 2)} s`, ''])]
      ]
    )
    const bigTargets = old
      ? [
          baselineTarget('host RSS peak, large burst', { ours: ours.rssPeakBig, old: old.rssPeakBig, lowerIsBetter: true, show: mb }),
          baselineTarget('host RSS 2 s after the large burst', { ours: ours.rssAfterBig, old: old.rssAfterBig, lowerIsBetter: true, show: mb }),
          baselineTarget('JS heap after the large burst', { ours: ours.heapAfterBig, old: old.heapAfterBig, lowerIsBetter: true, show: mb }),
          baselineTarget('large burst: window s', { ours: ours.big.seconds, old: old.big.seconds, lowerIsBetter: true, show: (n) => `${fmt(n, 2)} s` })
        ]
      : []
    if (old) targetTable('Large payloads against the baseline', bigTargets)
    results.events = {
      baseline: baseline?.describe,
      baselineProblem,
      bursts,
      builds: Object.fromEntries(
        rigs.map(({ name, perDatagram }) => {
          const m = by[name]
          return [
            name,
            {
              eventsPerDatagram: perDatagram,
              bursts: m.bursts,
              big: m.big,
              heapAfterBurstsMB: m.heap,
              heapAfterBigMB: m.heapAfterBig,
              hostRssMB: { start: m.rssStart, peakPerBurst: m.rssPeak, afterSmall: m.rssAfterSmall, peakBig: m.rssPeakBig, afterBig: m.rssAfterBig },
              longestTaskPerBurstMs: m.longest,
              latencyMs: m.latency
            }
          ]
        })
      ),
      targets: [...targets, ...bigTargets]
    }
  } finally {
    for (const rig of rigs) await rig.close()
  }
}
