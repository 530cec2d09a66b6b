// The event pipeline: engine → browser host → WebSocket → renderer store → virtualised log.
// A UDP server started in the lab window is flooded with datagrams (each makes about five events:
// recv, send and console lines; the bench counts them first); we watch the window's own counters.

import dgram from 'node:dgram'
import fs from 'node:fs'
import { fmt, freePort, openLabPage, sleep, startWebHost, table, targetTable, xRatio } from './lib.mjs'

const BURST_EVENTS = 100_000
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

export async function benchEvents(results) {
  const host = await startWebHost()
  const { browser, page } = await openLabPage(host.url)
  try {
    await page.getByTestId('lab-udp').click()
    const port = await freePort()
    await page.getByTestId('server-port').fill(String(port))
    // recvfrom takes whole datagrams, the large ones too.
    await page.getByTestId('server-recv-size').fill('65507')
    await page.getByTestId('server-start').click()
    await page.getByTestId('server-status').filter({ hasText: String(port) }).waitFor()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    const perDatagram = await eventsPerDatagram(page, port)
    if (perDatagram < 1) throw new Error('a datagram to the lab window\'s UDP server made no event in the window')
    await page.evaluate(() => (window.__longestTask = 0))

    // The longest task is read after each burst and before the forced GC of the heap sample, so
    // that the bench's own GC never counts as the window's.
    const longestSoFar = () => page.evaluate(() => window.__longestTask)
    const pid = host.child.pid
    const rssStart = rssMB(pid)
    const { result: first, peak: rssPeakFirst } = await withPeakRss(pid, () => burst(page, port, perDatagram))
    const longestFirst = await longestSoFar()
    const heapAfterFirst = await heapMB(cdp)
    await page.evaluate(() => (window.__longestTask = 0))
    const { result: second, peak: rssPeakSecond } = await withPeakRss(pid, () => burst(page, port, perDatagram))
    const longestSecond = await longestSoFar()
    const heapAfterSecond = await heapMB(cdp)
    const rssAfterSmall = rssMB(pid)
    const longest = Math.max(longestFirst, longestSecond)
    // Then the worst case for whole payloads: every event carries 60 KB.
    const { result: big, peak: rssPeakBig } = await withPeakRss(pid, () => burst(page, port, perDatagram, BIG_COUNT, Buffer.alloc(BIG_DATAGRAM, 0x61), BIG_WINDOW))
    const heapAfterBig = await heapMB(cdp)
    await sleep(2000)
    const rssAfterBig = rssMB(pid)

    console.log(
      `\nEvent pipeline: UDP flood into the lab window (${perDatagram} events per datagram, at most ${WINDOW} unanswered), ` +
        `${fmt(first.datagrams)} datagrams = ≥ ${fmt(BURST_EVENTS)} events per burst; the window keeps 50,000`
    )
    table(
      ['burst', 'events in window', 'missing', 'datagrams lost', 'engine s', 'engine events/s', 'window s', 'window events/s', 'log rows held', 'JS heap after (MB)'],
      [first, second].map((b, i) => [
        String(i + 1),
        fmt(b.events),
        fmt(b.missing),
        fmt(b.datagramsLost),
        fmt(b.engineSeconds, 2),
        fmt(b.enginePerSecond),
        fmt(b.seconds, 2),
        fmt(b.perSecond),
        fmt(b.rows),
        fmt(i ? heapAfterSecond : heapAfterFirst, 1)
      ])
    )
    const slower = first.perSecond <= second.perSecond ? first : second
    const growth = heapAfterSecond / heapAfterFirst
    const targets = [
      { name: 'events/s delivered to the window ≥ 50,000 (slower burst)', ours: `${fmt(slower.perSecond)}/s`, ratio: xRatio(slower.perSecond / 50_000), met: slower.perSecond >= 50_000 },
      { name: 'events/s the engine made (same burst)', ours: `${fmt(slower.enginePerSecond)}/s` },
      { name: 'no event lost between engine and window', ours: fmt(first.missing + second.missing), met: first.missing + second.missing === 0 },
      { name: 'longest main-thread task < 100 ms', ours: longest > 0 ? `${fmt(longest)} ms` : 'none ≥ 50 ms', met: longest < 100 },
      { name: 'memory flat: heap after burst 2 ≤ 1.2× burst 1', ours: `${fmt(heapAfterSecond, 1)} MB`, peer: `${fmt(heapAfterFirst, 1)} MB`, ratio: xRatio(growth), met: growth <= 1.2 }
    ]
    targetTable('Event pipeline targets (peer: the target itself; memory: burst 1)', targets)

    console.log(
      `\nLarge payloads: ${fmt(BIG_COUNT)} datagrams of ${fmt(BIG_DATAGRAM)} bytes (${fmt((2 * BIG_COUNT * BIG_DATAGRAM) / 1024 / 1024)} MB of payload in the log's events), ` +
        'each previewed whole while new; the host and the window keep whole previews within a 16 MiB budget'
    )
    table(
      ['', 'host RSS (MB)', 'window JS heap (MB)'],
      [
        ['at start', fmt(rssStart, 1), ''],
        ['small bursts: peak / after', `${fmt(Math.max(rssPeakFirst, rssPeakSecond), 1)} / ${fmt(rssAfterSmall, 1)}`, fmt(heapAfterSecond, 1)],
        ['large burst: peak / after', `${fmt(rssPeakBig, 1)} / ${fmt(rssAfterBig, 1)}`, fmt(heapAfterBig, 1)],
        ['large burst: events in window, missing, s', `${fmt(big.events)}, ${fmt(big.missing)}, ${fmt(big.seconds, 2)} s`, '']
      ]
    )
    results.events = {
      eventsPerDatagram: perDatagram,
      first,
      second,
      big,
      heapAfterFirstMB: heapAfterFirst,
      heapAfterSecondMB: heapAfterSecond,
      heapAfterBigMB: heapAfterBig,
      hostRssMB: { start: rssStart, peakSmall: Math.max(rssPeakFirst, rssPeakSecond), afterSmall: rssAfterSmall, peakBig: rssPeakBig, afterBig: rssAfterBig },
      longestTaskMs: longest,
      targets
    }
  } finally {
    await browser.close()
    await host.stop()
  }
}
