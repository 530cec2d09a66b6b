// Shared pieces of the benchmark: peers as child processes, free ports, timing, tables.

import { execFile, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SOCKLAB = path.join(ROOT, 'bin', 'socklab.js')

/**
 * The socklab command of another build, for side-by-side runs: `dir` is a checkout (with
 * bin/socklab.js), its built out/ folder, or bin/socklab.js itself. Returns the command's
 * arguments for node and a description, or why `dir` holds no build.
 */
export function socklabBuildIn(dir) {
  const given = path.resolve(dir)
  const cliOf = (out) => path.join(out, 'main', 'cli.js')
  let out
  if (given.endsWith('.js') && fs.existsSync(given)) out = path.join(path.dirname(given), '..', 'out')
  else if (fs.existsSync(path.join(given, 'bin', 'socklab.js'))) out = path.join(given, 'out')
  else if (fs.existsSync(cliOf(given))) out = given
  else return 'neither a socklab checkout, nor its out/ folder, nor a bin/socklab.js'
  const cli = cliOf(out)
  if (!fs.existsSync(cli)) return `not built (no ${cli}): run npm run build there`
  const commit = (() => {
    try {
      return execFileSync('git', ['-C', path.dirname(out), 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return 'not a git checkout'
    }
  })()
  // The built CLI is what bin/socklab.js runs: run it the same way, from wherever the build lies.
  return { name: 'baseline', args: ['-e', 'require(process.argv[1]).main(process.argv.slice(2))', cli], describe: `${cli} (${commit})` }
}

/** This checkout's build, in the shape of socklabBuildIn's answer: `node ...args program options` runs a program. */
export const THIS_BUILD = { name: 'socklab', args: [SOCKLAB], describe: SOCKLAB }

/** Whether a build knows `program` (an older build may not have `watch`): its help exits 0, an unknown program exits 2. */
export function buildHas(build, program) {
  try {
    execFileSync(process.execPath, [...build.args, program, '-h'], { stdio: 'ignore', timeout: 15_000 })
    return true
  } catch {
    return false
  }
}

/**
 * Every process we start, killed when the bench ends, also on Ctrl-C, SIGTERM or an error. Peers
 * run in a process group of their own (nginx's master has a worker; a killed master leaves it
 * behind), so the whole group goes.
 */
const children = new Set()
const tempDirs = new Set()

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.kill(signal)
    } catch {
      // already gone
    }
  }
}

export function killAll() {
  for (const child of children) signalGroup(child, 'SIGKILL')
  children.clear()
}
process.on('exit', () => {
  killAll()
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
})
for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    console.log(`\n${signal}: stopping every peer`)
    process.exit(status)
  })
}

/** A fresh folder under the system's temp dir, removed at the end of the bench whatever happens. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  tempDirs.add(dir)
  return dir
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/**
 * Starts a peer with its output discarded: a server that logs every request must never block on
 * a pipe we are not reading (the measuring tools run while this process waits). `options.stdio`
 * may ask for a pipe when the caller reads it.
 */
export function startPeer(command, args, options = {}) {
  const child = spawn(command, args, { stdio: 'ignore', ...options, detached: true })
  children.add(child)
  const exited = new Promise((resolve) =>
    child.once('exit', (code) => {
      // The group's leader is gone; anything it left in the group goes too.
      signalGroup(child, 'SIGKILL')
      children.delete(child)
      resolve(code)
    })
  )
  return {
    child,
    exited,
    async stop() {
      if (!children.has(child)) return
      signalGroup(child, 'SIGTERM')
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    }
  }
}

/**
 * A free port below the ephemeral range, probed by TCP and UDP on every address: the same helper
 * as the tests' (a port the OS picks is an ephemeral one, which any client socket of a test
 * running beside the bench may take a moment later).
 */
export { freePort } from '../test/helpers/free-port.mjs'

/**
 * `socklab web -p 0 --no-open` as a user starts it (no browser of its own), from this build or
 * another (`build`, see socklabBuildIn); resolves with the peer and the address it printed (with the token).
 */
export async function startWebHost(build = THIS_BUILD) {
  const host = startPeer(process.execPath, [...build.args, 'web', '-p', '0', '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const child = host.child
  const url = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('socklab web printed no address')), 15_000)
    child.stdout.on('data', (d) => {
      out += d
      // The address ends its line, in every language.
      const m = / (http:\/\/\S+)\n/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`socklab web exited (${code}) before printing its address:\n${out}`)))
  })
  // Nobody reads its output from here on: keep the pipe drained.
  child.stdout.resume()
  return { ...host, url }
}

/**
 * Debian's Chromium on a lab page at 1440×900, recording the longest main-thread task in
 * `window.__longestTask` from the first script on. Resolves with the browser (close it) and the page.
 */
export async function openLabPage(url) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
  })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  await page.addInitScript(() => {
    window.__longestTask = 0
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, e.duration)
    }).observe({ type: 'longtask', buffered: true })
  })
  await page.goto(url)
  return { browser, page }
}

/**
 * The renderer's main-thread tasks in a Chromium trace (`browser.startTracing(page, { categories:
 * ['toplevel'] })`): the longest by wall-clock time with the CPU time it got, and the most CPU any
 * one task used. On a shared machine a task's wall time also counts the time it waited for a
 * core; its CPU time is what the window itself computed.
 */
export function rendererTasks(trace) {
  const events = JSON.parse(trace.toString()).traceEvents ?? []
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`))
  const tasks = events.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`))
  const longest = tasks.reduce((a, b) => (b.dur > (a?.dur ?? -1) ? b : a), undefined)
  return {
    tasks: tasks.length,
    longestMs: longest ? longest.dur / 1000 : 0,
    longestCpuMs: longest?.tdur !== undefined ? longest.tdur / 1000 : NaN,
    mostCpuMs: tasks.reduce((most, e) => Math.max(most, (e.tdur ?? 0) / 1000), 0),
    over50ms: tasks.filter((e) => e.dur >= 50_000).length
  }
}

/** The machine's load average over the last minute (how many threads wanted a core), for context. */
export function loadAverage() {
  return os.loadavg()[0]
}

/** Resolves once host:port accepts a connection (bounded by `ms`). */
export async function waitForPort(port, host = '127.0.0.1', ms = 10_000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host, port }, () => {
        s.destroy()
        resolve(true)
      })
      s.on('error', () => resolve(false))
    })
    if (ok) return
    await sleep(50)
  }
  throw new Error(`nothing listening on ${host}:${port} after ${ms} ms`)
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** The middle value (the median) of those that are numbers, the mean of the two middle ones for an even count. */
export function middle(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  const half = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2
}

/**
 * socklab's number over the baseline's, from measurements taken in the same turns (ours[i] right
 * next to old[i]): the middle of the turn-by-turn ratios, so that load which comes and goes during
 * a run weighs on both alike and one disturbed turn does not decide.
 */
export function newOverOld(ours, old) {
  return middle(ours.map((value, i) => value / old[i]))
}

/** How far socklab may fall behind the baseline build on any number: 10%. */
export const BASELINE_MARGIN = 0.1

/**
 * A targets-table row against the baseline build: a number where higher is better must reach
 * ≥ 0.9× the baseline's, one where lower is better (times, memory, CPU) stay ≤ 1.1×. `ratio` is
 * socklab ÷ baseline (by default ours ÷ old; pass newOverOld's for turn-by-turn numbers), `show`
 * formats the two numbers, `how` says how the ratio was taken. A ratio that cannot be computed
 * (a number /proc could not give) makes an `info` row, never a PASS.
 */
export function baselineTarget(what, { ours, old, ratio = ours / old, lowerIsBetter = false, show = fmt, how = '' }) {
  const bound = lowerIsBetter ? 1 + BASELINE_MARGIN : 1 - BASELINE_MARGIN
  return {
    name: `${what} ${lowerIsBetter ? '≤' : '≥'} ${bound}× baseline${how ? ` (${how})` : ''}`,
    ours: show(ours),
    peer: show(old),
    ratio: xRatio(ratio),
    met: Number.isFinite(ratio) ? (lowerIsBetter ? ratio <= bound : ratio >= bound) : undefined
  }
}

export const fmt = (n, digits = 0) => (n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }))

/** A ratio against a target: "PASS"/"MISS" so the report says at once what was met. */
export function verdict(ok) {
  return ok ? 'PASS' : 'MISS'
}

export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ')
  console.log(line(headers))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
}

/** Runs a measuring tool without blocking this process; resolves with its stdout. */
export function runTool(command, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout) => {
      children.delete(child)
      if (err) reject(err)
      else resolve(stdout)
    })
    children.add(child)
  })
}

/**
 * The targets of a section as one table: what socklab measured, the peer's number, the ratio and
 * PASS/MISS. Rows without `met` are context (no target) and say "info".
 * Each row: { name, ours, peer, ratio, met } with ours/peer/ratio already formatted (or '—').
 */
export function targetTable(title, rows) {
  console.log(`\n${title}`)
  table(
    ['target', 'socklab', 'peer', 'ratio', ''],
    rows.map((r) => [r.name, r.ours ?? '—', r.peer ?? '—', r.ratio ?? '—', r.met === undefined ? 'info' : verdict(r.met)])
  )
}

/** A ratio as "1.23×"; below 2 with three decimals, so that rounding never hides which side of a 0.3× or 1.0× target it is. */
export const xRatio = (ratio, digits = 2) => (Number.isFinite(ratio) ? `${fmt(ratio, ratio < 2 ? Math.max(digits, 3) : digits)}×` : '—')

/**
 * A lab window's WebSocket to a browser host (token and Origin as the page sends them), ready for
 * both feeds: `call(verb, args)` resolves with the reply, `onPackets(fn)` hears each batch of packets.
 */
export async function labViewer(url) {
  const { default: WebSocket } = await import('ws')
  const u = new URL(url)
  const ws = new WebSocket(`ws://${u.host}/lab?token=${u.searchParams.get('token')}`, { headers: { Origin: `http://${u.host}` } })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  const pending = new Map()
  const listeners = new Set()
  let nextId = 1
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString())
    if (m.packets) for (const fn of listeners) fn(m.packets, m.packetsSkipped ?? 0)
    else if (m.id !== undefined && pending.has(m.id)) {
      pending.get(m.id)(m.reply)
      pending.delete(m.id)
    }
  })
  for (const feed of ['events', 'packets']) ws.send(JSON.stringify({ ready: feed }))
  return {
    call: (verb, args = []) =>
      new Promise((resolve) => {
        const id = nextId++
        pending.set(id, resolve)
        ws.send(JSON.stringify({ id, verb, args }))
      }),
    onPackets: (fn) => listeners.add(fn),
    close: () => ws.close()
  }
}

/** The resident memory (MB) of each live child process of `pid` named `name` (Linux /proc), by pid. */
export function childRss(pid, name) {
  const out = {}
  for (const entry of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const m = /^\d+ \((.*)\) \S (\d+)/.exec(stat)
      if (!m || Number(m[2]) !== pid || m[1] !== name) continue
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))
      if (rss) out[entry] = Number(rss[1]) / 1024
    } catch {
      // Gone meanwhile.
    }
  }
  return out
}

/** The command line of a process, as its arguments. */
export function argvOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  } catch {
    return []
  }
}
