// The event pipeline: engine → browser host → WebSocket → renderer store → virtualised log.
// A UDP server started in the lab window is flooded with datagrams (each makes four events:
// recv, a console line, send, a console line); we watch the window's own counters.

import { spawn } from 'node:child_process'
import dgram from 'node:dgram'
import { chromium } from '@playwright/test'
import { fmt, freePort, SOCKLAB, sleep, table, verdict } from './lib.mjs'

const BURST_EVENTS = 100_000
const EVENTS_PER_DATAGRAM = 4
const BURST_SECONDS_MAX = 30

async function startHost() {
  const child = spawn(process.execPath, [SOCKLAB, 'web', '-p', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('socklab web printed no address')), 15_000)
    child.stdout.on('data', (d) => {
      out += d
      const m = /open (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
  })
  return { child, url }
}

/**
 * Sends `count` datagrams, keeping at most WINDOW without a reply: the engine's UDP server runs
 * flat out, and the kernel drops (almost) nothing, so each burst really makes its events.
 */
async function flood(port, count) {
  const WINDOW = 256
  const socket = dgram.createSocket('udp4')
  const payload = Buffer.from('hello world')
  let sent = 0
  let replies = 0
  let lastReply = performance.now()
  const until = performance.now() + BURST_SECONDS_MAX * 1000
  const pump = () => {
    while (sent < count && sent - replies < WINDOW) {
      sent++
      socket.send(payload, port, '127.0.0.1')
    }
  }
  socket.on('message', () => {
    replies++
    lastReply = performance.now()
    pump()
  })
  pump()
  // Done when every reply is back, or the last ones were lost (UDP): nothing for 300 ms.
  while (replies < count && performance.now() < until) {
    await sleep(50)
    if (performance.now() - lastReply > 300) {
      if (sent >= count) break
      replies = sent - WINDOW / 2 // a lost datagram must not stall the window
      pump()
    }
  }
  socket.close()
}

/** Samples the window's counters while `work` runs and until they stop moving (1 s). */
async function measure(page, work) {
  const samples = []
  const t0 = performance.now()
  let done = false
  const sampler = (async () => {
    while (!done) {
      samples.push([performance.now(), (await stats(page)).received])
      await sleep(20)
    }
  })()
  await work()
  for (;;) {
    await sleep(100)
    const last = samples.at(-1)
    const changed = samples.findLast(([, r]) => r !== last[1])
    if (!changed || last[0] - changed[0] > 1000 || performance.now() - t0 > BURST_SECONDS_MAX * 1000) break
  }
  done = true
  await sampler
  const final = samples.at(-1)[1]
  const reachedAt = samples.find(([, r]) => r === final)[0]
  return { received: final, seconds: (reachedAt - t0) / 1000 }
}

const stats = (page) => page.evaluate(() => ({ ...window.__socklabStats }))

async function heapMB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1024 / 1024
}

async function burst(page, port) {
  const before = await stats(page)
  const m = await measure(page, () => flood(port, BURST_EVENTS / EVENTS_PER_DATAGRAM))
  const events = m.received - before.received
  return { events, seconds: m.seconds, perSecond: events / m.seconds, rows: (await stats(page)).rendered }
}

export async function benchEvents(results) {
  const host = await startHost()
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    await page.addInitScript(() => {
      window.__longestTask = 0
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, e.duration)
      }).observe({ type: 'longtask', buffered: true })
    })
    await page.goto(host.url)
    await page.getByTestId('lab-udp').click()
    const port = await freePort()
    await page.getByTestId('server-port').fill(String(port))
    await page.getByTestId('server-start').click()
    await page.getByTestId('server-status').filter({ hasText: String(port) }).waitFor()
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Performance.enable')
    await page.evaluate(() => (window.__longestTask = 0))

    const first = await burst(page, port)
    const heapAfterFirst = await heapMB(cdp)
    const second = await burst(page, port)
    const heapAfterSecond = await heapMB(cdp)
    const longest = await page.evaluate(() => window.__longestTask)

    console.log(`\nEvent pipeline: UDP flood into the lab window, ${fmt(BURST_EVENTS)} events per burst (the window keeps 50,000)`)
    table(
      ['burst', 'events delivered', 'seconds', 'events/s', 'log rows held', 'JS heap after (MB)'],
      [
        ['1', fmt(first.events), fmt(first.seconds, 2), fmt(first.perSecond), fmt(first.rows), fmt(heapAfterFirst, 1)],
        ['2', fmt(second.events), fmt(second.seconds, 2), fmt(second.perSecond), fmt(second.rows), fmt(heapAfterSecond, 1)]
      ]
    )
    const rate = Math.min(first.perSecond, second.perSecond)
    const growth = heapAfterSecond / heapAfterFirst
    const targets = [
      ['events/s delivered ≥ 50,000 (slower burst)', fmt(rate), rate >= 50_000],
      ['longest main-thread task < 100 ms', longest > 0 ? `${fmt(longest)} ms` : 'none ≥ 50 ms', longest < 100],
      ['memory flat: heap after burst 2 ≤ 1.2× burst 1', `${fmt(growth, 2)}×`, growth <= 1.2]
    ]
    console.log('\nEvent pipeline targets')
    table(
      ['target', 'value', ''],
      targets.map(([name, value, ok]) => [name, value, verdict(ok)])
    )
    results.events = { first, second, heapAfterFirst, heapAfterSecond, longestTaskMs: longest, targets: targets.map(([name, value, met]) => ({ name, value, met })) }
  } finally {
    await browser.close()
    host.child.kill('SIGTERM')
  }
}
