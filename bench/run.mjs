// npm run bench [-- http tcp events capture capture-bounds sockets i18n sessions relay] [--baseline DIR] [--rounds N]: socklab against peers
// started here, in the same run; with --baseline, every section also runs another build of socklab
// side by side, in the same turns; --rounds sets the rounds (turns, bursts) of every section.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { benchCapture, benchCaptureBounds } from './capture.mjs'
import { benchEvents } from './events.mjs'
import { benchHttp } from './http.mjs'
import { benchI18n } from './i18n.mjs'
import { benchRelay } from './relay.mjs'
import { ROOT, SOCKLAB, killAll, socklabBuildIn } from './lib.mjs'
import { benchSessions } from './sessions.mjs'
import { benchSockets } from './sockets.mjs'
import { benchTcp } from './tcp.mjs'

const SECTIONS = { http: benchHttp, tcp: benchTcp, events: benchEvents, capture: benchCapture, 'capture-bounds': benchCaptureBounds, sockets: benchSockets, i18n: benchI18n, sessions: benchSessions, relay: benchRelay }
let args
try {
  args = parseArgs({ allowPositionals: true, options: { baseline: { type: 'string' }, rounds: { type: 'string' } } })
} catch (err) {
  console.error(`ERROR: ${err.message}`)
  process.exit(2)
}
const chosen = args.positionals
const unknown = chosen.filter((a) => !(a in SECTIONS))
if (unknown.length) {
  console.error(`ERROR: unknown section ${unknown.join(', ')}: choose from ${Object.keys(SECTIONS).join(', ')} (default: all)`)
  process.exit(2)
}
const run = chosen.length ? [...new Set(chosen)] : Object.keys(SECTIONS)

if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) {
  console.error('ERROR: socklab is not built: run npm run build first')
  process.exit(1)
}
const rounds = args.values.rounds === undefined ? undefined : Number(args.values.rounds)
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  console.error(`ERROR: --rounds ${args.values.rounds}: a whole number of rounds from 1 to 20`)
  process.exit(2)
}
/** Another build of socklab to measure beside this one in every section, e.g. a checkout of the previous release. */
let baseline
if (args.values.baseline !== undefined) {
  baseline = socklabBuildIn(args.values.baseline)
  if (typeof baseline === 'string') {
    console.error(`ERROR: --baseline ${args.values.baseline}: ${baseline}`)
    process.exit(2)
  }
}

/** First line a tool prints about its version (nginx and wrk print it on stderr, wrk exits 1). */
const version = (cmd, args) => {
  try {
    return execFileSync('sh', ['-c', `${cmd} ${args.join(' ')} 2>&1 || true`], { encoding: 'utf8' }).split('\n')[0].trim() || `${cmd}: not installed`
  } catch {
    return `${cmd}: not installed`
  }
}
/** A kernel setting that shapes many-short-connection runs on loopback (TIME_WAIT reuse, backlog cap). */
const sysctl = (name) => {
  try {
    return fs.readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim().replace(/\s+/g, '-')
  } catch {
    return '?'
  }
}
const env = {
  node: process.version,
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? '?',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  kernel: `${os.type()} ${os.release()}`,
  python: version('python3', ['--version']),
  nginx: version('nginx', ['-v']),
  wrk: version('wrk', ['-v']),
  curl: version('curl', ['--version']),
  sysctl: Object.fromEntries(['net.ipv4.tcp_tw_reuse', 'net.ipv4.ip_local_port_range', 'net.core.somaxconn'].map((n) => [n, sysctl(n)]))
}
console.log(`socklab bench: node ${env.node}, ${env.cores} cores (${env.cpu}), ${env.memoryGiB} GiB, ${env.kernel}`)
console.log(`peers: ${env.python}; ${env.nginx}; ${env.wrk.split(' Copyright')[0]}; ${env.curl.split(' ').slice(0, 2).join(' ')}`)
console.log(`kernel: ${Object.entries(env.sysctl).map(([k, v]) => `${k}=${v}`).join(', ')}`)
console.log(`socklab: ${SOCKLAB}; sections: ${run.join(', ')}`)
if (baseline) console.log(`baseline: ${baseline.describe}`)

const results = { when: new Date().toISOString(), env, sections: run, baseline: baseline?.describe }
// A section that fails is reported and the others still run: one broken peer must not hide the rest.
const failed = []
try {
  for (const name of run) {
    const t0 = performance.now()
    try {
      await SECTIONS[name](results, { baseline, rounds })
    } catch (err) {
      failed.push(name)
      results[name] = { error: String(err?.stack ?? err) }
      console.log(`\n${name}: FAILED: ${err?.stack ?? err}`)
    } finally {
      killAll()
    }
    console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s)`)
  }
} finally {
  killAll()
}
const out = path.join(ROOT, 'bench', 'results')
fs.mkdirSync(out, { recursive: true })
fs.writeFileSync(path.join(out, 'latest.json'), JSON.stringify(results, null, 2))
console.log(`\nresults written to bench/results/latest.json`)
if (failed.length) {
  console.log(`sections that failed: ${failed.join(', ')}`)
  process.exitCode = 1
}
