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

/** Sends `count` datagrams as fast as the socket takes them, in slices so the loop keeps turning. */
async function flood(port, count) {
  const socket = dgram.createSocket('udp4')
  socket.on('message', () => {})
  const payload = Buffer.from('hello world')
  const until = performance.now() + BURST_SECONDS_MAX * 1000
  for (let sent = 0; sent < count && performance.now() < until; ) {
    const slice = Math.min(200, count - sent)
    await Promise.all(Array.from({ length: slice }, () => new Promise((resolve) => socket.send(payload, port, '127.0.0.1', resolve))))
    sent += slice
    // Pace a little: a UDP socket buffer that overflows drops datagrams before the engine sees them.
    await sleep(1)
  }
  return socket
}

/** Waits until the window's received count stops moving; returns when it last moved and its value. */
async function settle(page, startedAt) {
  let last = await stats(page)
  let lastChange = performance.now()
  while (performance.now() - lastChange < 1000 && performance.now() - startedAt < BURST_SECONDS_MAX * 1000) {
    await sleep(50)
    const now = await stats(page)
    if (now.received !== last.received) {
      last = now
      lastChange = performance.now()
    }
  }
  return { ...last, at: lastChange }
}

const stats = (page) => page.evaluate(() => ({ ...window.__socklabStats }))

async function heapMB(cdp) {
  await cdp.send('HeapProfiler.collectGarbage')
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value / 1024 / 1024
}

async function burst(page, port) {
  const before = await stats(page)
  const t0 = performance.now()
  const socket = await flood(port, BURST_EVENTS / EVENTS_PER_DATAGRAM)
  const after = await settle(page, t0)
  socket.close()
  const events = after.received - before.received
  return { events, seconds: (after.at - t0) / 1000, perSecond: events / ((after.at - t0) / 1000), rows: after.rendered }
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
