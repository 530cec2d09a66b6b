// Capture: a bounded UDP flood on loopback, captured by `socklab watch` (tshark → parser →
// conversation tracker → one line per packet), counted here as the lines arrive.
//
// Datagrams go to a port nobody listens on: the kernel still carries each one over the loopback
// interface (where it is captured) and then drops it, so no receiver competes for the two cores.
// Reported: datagrams sent, packets parsed and their rate from the first datagram to the last line,
// and the capture's own drop count (tshark's, from the summary). Target: ≥ 10,000 packets/s parsed.

import dgram from 'node:dgram'
import { fmt, freePort, SOCKLAB, sleep, startPeer, table, targetTable } from './lib.mjs'

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

/** Sends up to DATAGRAMS small datagrams at RATE_PER_SECOND, for at most FLOOD_SECONDS_MAX. */
async function flood(port) {
  const socket = dgram.createSocket('udp4')
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const payload = Buffer.alloc(32, 'x')
  const t0 = performance.now()
  let sent = 0
  while (sent < DATAGRAMS && performance.now() - t0 < FLOOD_SECONDS_MAX * 1000) {
    for (let i = 0; i < BATCH && sent < DATAGRAMS; i++, sent++) socket.send(payload, port, '127.0.0.1')
    const due = t0 + (sent / RATE_PER_SECOND) * 1000
    await sleep(Math.max(0, due - performance.now()))
  }
  // Every send() has left once the socket closes cleanly.
  await new Promise((resolve) => socket.close(resolve))
  return { t0, sent, seconds: (performance.now() - t0) / 1000 }
}

export async function benchCapture(results) {
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
