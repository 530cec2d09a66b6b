// HTTP: requests/s on a 1 KB and a 100 KB file (wrk, keep-alive and Connection: close) and the
// time of a 10 MB download (curl), socklab http-server against python3 -m http.server and nginx,
// and, given --baseline, against another build of socklab measured in the same turns.

import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { baselineTarget, fmt, freePort, has, middle, newOverOld, runTool, SOCKLAB, removeTempDir, startPeer, table, targetTable, tempDir, waitForPort, xRatio } from './lib.mjs'

const WRK_SECONDS = 3
/** Rounds of wrk runs (`--rounds N` changes it: more rounds steady a side-by-side run on a busy machine). */
const ROUNDS = 2
const WRK_CONNECTIONS = 32
const DOWNLOADS = 9
/** Unmeasured runs first: JIT compilation (ours), caches (everyone's) settle before the clock starts. */
const WARMUP_SECONDS = 1
const WARMUP_DOWNLOADS = 2

function makeSite() {
  const dir = tempDir('socklab-bench-site-')
  fs.writeFileSync(path.join(dir, '1k.bin'), crypto.randomBytes(1024))
  fs.writeFileSync(path.join(dir, '100k.bin'), crypto.randomBytes(100 * 1024))
  fs.writeFileSync(path.join(dir, '10m.bin'), crypto.randomBytes(10 * 1024 * 1024))
  // nginx's worker runs as another user when started by root: let it read the files.
  fs.chmodSync(dir, 0o755)
  return dir
}

/**
 * nginx from a config of our own, in a folder of our own: its prefix (-p), the error log (-e: not
 * even the built-in path is opened at start), pid file and temp paths all live there. nginx makes
 * its temp paths belong to its worker's user: they must never be a shared folder such as /tmp.
 */
function nginxArgs(siteDir, port) {
  const dir = tempDir('socklab-bench-nginx-')
  const log = path.join(dir, 'error.log')
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${path.join(dir, t)};`).join(' ')
  const conf = path.join(dir, 'nginx.conf')
  fs.writeFileSync(
    conf,
    `daemon off; master_process on; worker_processes 1; pid ${path.join(dir, 'nginx.pid')}; error_log ${log};\n` +
      `events { worker_connections 1024; }\n` +
      `http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000; default_type application/octet-stream;\n` +
      `  ${temp}\n` +
      `  server { listen 127.0.0.1:${port}; root ${siteDir}; } }\n`
  )
  return { dir, args: ['-p', dir, '-e', log, '-c', conf] }
}

async function startServers(dir, baseline) {
  const servers = []
  const serve = ['http-server', '-a', '127.0.0.1', '-d', dir, '-p']
  const port = await freePort()
  servers.push({ name: 'socklab', port, peer: startPeer(process.execPath, [SOCKLAB, ...serve, String(port)]) })
  if (baseline) {
    const oldPort = await freePort()
    servers.push({ name: 'baseline', port: oldPort, peer: startPeer(process.execPath, [...baseline.args, ...serve, String(oldPort)]) })
  }
  const pyPort = await freePort()
  servers.push({ name: 'python', port: pyPort, peer: startPeer('python3', ['-m', 'http.server', String(pyPort), '--bind', '127.0.0.1', '-d', dir]) })
  if (has('nginx')) {
    const ngPort = await freePort()
    const nginx = nginxArgs(dir, ngPort)
    servers.push({ name: 'nginx', port: ngPort, peer: startPeer('nginx', nginx.args), dir: nginx.dir })
  } else console.log('nginx is not installed: the nginx comparison is skipped (apt-get install nginx-light)')
  for (const s of servers) await waitForPort(s.port)
  return servers
}

async function wrk(url, close) {
  const args = ['-t1', `-c${WRK_CONNECTIONS}`, `-d${WRK_SECONDS}s`, ...(close ? ['-H', 'Connection: close'] : []), url]
  const out = await runTool('wrk', args, (WRK_SECONDS + 20) * 1000)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const requests = Number(/(\d+) requests in/.exec(out)?.[1])
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? ''
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  return { rps, requests, errors, non2xx }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100
  } catch {
    return 100
  }
})()

/**
 * CPU seconds (user + system) that a server process and its children (nginx's worker) have used
 * so far, from /proc; undefined where it cannot tell. Unlike requests/s, the CPU a server spends
 * per request hardly moves when other programs load the machine.
 */
function cpuSeconds(pid) {
  try {
    const ticks = (p) => {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return Number(fields[11]) + Number(fields[12])
    }
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean)
    return [pid, ...children].reduce((sum, p) => sum + ticks(p), 0) / CLOCK_TICKS
  } catch {
    return undefined
  }
}

/** What `work` costs the server `s` in CPU seconds (NaN where /proc cannot tell). */
async function cpuOf(s, work) {
  const before = cpuSeconds(s.peer.child.pid)
  const result = await work()
  const after = cpuSeconds(s.peer.child.pid)
  return { result, cpu: before === undefined || after === undefined ? NaN : after - before }
}

/** One 10 MB download with curl; resolves with its time in ms (the byte count is checked). */
async function download(url) {
  const out = await runTool('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url], 60_000)
  const [t, size] = out.trim().split(' ').map(Number)
  if (size !== 10 * 1024 * 1024) throw new Error(`${url}: downloaded ${size} bytes, not 10 MiB`)
  return t * 1000
}

/** Each server's download times and CPU seconds; the servers take turns, download by download. */
async function downloads(servers) {
  const by = Object.fromEntries(servers.map((s) => [s.name, { times: [], cpu: 0 }]))
  for (let i = -WARMUP_DOWNLOADS; i < DOWNLOADS; i++) {
    for (const s of servers) {
      const { result: ms, cpu } = await cpuOf(s, () => download(`http://127.0.0.1:${s.port}/10m.bin`))
      if (i < 0) continue
      by[s.name].times.push(ms)
      by[s.name].cpu += cpu
    }
  }
  return by
}

export async function benchHttp(results, { baseline, rounds = ROUNDS } = {}) {
  if (!has('wrk')) {
    console.log('wrk is not installed: the HTTP requests/s comparison is skipped (apt-get install wrk)')
    return
  }
  const dir = makeSite()
  const servers = await startServers(dir, baseline)
  try {
    const rpsBy = {}
    for (const s of servers) await runTool('wrk', ['-t1', `-c${WRK_CONNECTIONS}`, `-d${WARMUP_SECONDS}s`, `http://127.0.0.1:${s.port}/1k.bin`], 30_000)
    // Rounds of the servers in turn, in reverse order every other round, so that whatever drifts
    // (TIME_WAIT sockets from the Connection: close runs, the machine's other load) weighs on all
    // alike; requests/s is the mean over the rounds. socklab and the baseline run next to each
    // other in every round: their ratio is taken round by round.
    for (let round = 0; round < rounds; round++) {
      for (const file of ['1k.bin', '100k.bin']) {
        for (const close of [false, true]) {
          for (const s of round % 2 ? [...servers].reverse() : servers) {
            const { result: r, cpu } = await cpuOf(s, () => wrk(`http://127.0.0.1:${s.port}/${file}`, close))
            const key = `${s.name} ${file} ${close ? 'close' : 'keep-alive'}`
            const all = (rpsBy[key] ??= { rounds: [], errors: [], non2xx: 0, cpu: 0, requests: 0 })
            all.rounds.push(r.rps)
            all.rps = all.rounds.reduce((a, b) => a + b, 0) / all.rounds.length
            all.cpu += cpu
            all.requests += r.requests
            all.cpuPerRequestUs = (all.cpu / all.requests) * 1e6
            if (r.errors) all.errors.push(r.errors)
            all.non2xx += r.non2xx
            if (r.errors || r.non2xx) console.log(`  note: ${key}: socket errors ${r.errors || 0}, non-2xx ${r.non2xx}`)
          }
        }
      }
    }
    const get = (name, file, mode) => rpsBy[`${name} ${file} ${mode}`]?.rps
    const cpuPer = (name, file, mode) => rpsBy[`${name} ${file} ${mode}`]?.cpuPerRequestUs
    /** socklab's requests/s over the baseline's: the middle of the round-by-round ratios. */
    const rpsNewOverOld = (file, mode) => newOverOld(...['socklab', 'baseline'].map((n) => rpsBy[`${n} ${file} ${mode}`].rounds))
    const scenarios = ['1k.bin', '100k.bin'].flatMap((file) => ['keep-alive', 'close'].map((mode) => [file, mode]))
    const withBaseline = (cells) => (baseline ? cells : [])
    console.log(
      `\nrequests/s, wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s, mean of ${rounds} rounds ` +
        `(python's http.server speaks HTTP/1.0 and closes every connection, so its keep-alive runs are new connections too)` +
        (baseline ? `; new/old: socklab ÷ baseline, the middle of the ${rounds} round-by-round ratios` : '')
    )
    table(
      ['file', 'connections', 'socklab', ...withBaseline(['baseline']), 'python', 'nginx', ...withBaseline(['new/old']), 'vs python', 'vs nginx'],
      scenarios.map(([file, mode]) => {
        const [ours, py, ng] = [get('socklab', file, mode), get('python', file, mode), get('nginx', file, mode)]
        return [file, mode, fmt(ours), ...withBaseline([fmt(get('baseline', file, mode))]), fmt(py), fmt(ng), ...withBaseline([xRatio(rpsNewOverOld(file, mode))]), xRatio(ours / py, 1), xRatio(ours / ng)]
      })
    )
    console.log(`\nserver CPU per request (user + system, µs, from /proc), over the same ${rounds} rounds: lower is better`)
    table(
      ['file', 'connections', 'socklab', ...withBaseline(['baseline']), 'python', 'nginx', ...withBaseline(['new/old'])],
      scenarios.map(([file, mode]) => {
        const ours = cpuPer('socklab', file, mode)
        const old = cpuPer('baseline', file, mode)
        return [file, mode, fmt(ours, 1), ...withBaseline([fmt(old, 1)]), fmt(cpuPer('python', file, mode), 1), fmt(cpuPer('nginx', file, mode), 1), ...withBaseline([xRatio(ours / old)])]
      })
    )

    const downloadsBy = await downloads(servers)
    const times10 = Object.fromEntries(Object.entries(downloadsBy).map(([name, d]) => [name, middle(d.times)]))
    const cpu10 = Object.fromEntries(Object.entries(downloadsBy).map(([name, d]) => [name, (d.cpu / d.times.length) * 1000]))
    /** socklab's download time over the baseline's: the middle of the turn-by-turn ratios. */
    const timeNewOverOld = baseline ? newOverOld(downloadsBy.socklab.times, downloadsBy.baseline.times) : NaN
    console.log(`\n10 MB download, curl -o /dev/null, median of ${DOWNLOADS} after ${WARMUP_DOWNLOADS} unmeasured, the servers taking turns`)
    table(
      ['server', 'ms', 'server CPU ms', ...withBaseline(['vs baseline (time)'])],
      Object.keys(times10).map((n) => [n, fmt(times10[n], 2), fmt(cpu10[n], 1), ...withBaseline([n === 'socklab' ? xRatio(timeNewOverOld) : n === 'baseline' ? '1.000×' : xRatio(times10[n] / times10.baseline)])])
    )

    const best = (name, file) => Math.max(get(name, file, 'keep-alive'), get(name, file, 'close'))
    const rps = (n) => `${fmt(n)}/s`
    const ms = (n) => `${fmt(n, 2)} ms`
    const size = (file) => (file === '1k.bin' ? '1 KB' : '100 KB')
    const targets = [
      ...['1k.bin', '100k.bin'].map((file) => {
        const [ours, py] = [best('socklab', file), best('python', file)]
        return { name: `${size(file)} requests/s ≥ 8× python (best mode each)`, ours: rps(ours), peer: rps(py), ratio: xRatio(ours / py, 1), met: ours / py >= 8 }
      }),
      ...['1k.bin', '100k.bin'].map((file) => {
        const [ours, py] = [get('socklab', file, 'close'), get('python', file, 'close')]
        return { name: `${size(file)} requests/s vs python, both Connection: close`, ours: rps(ours), peer: rps(py), ratio: xRatio(ours / py, 1) }
      }),
      { name: '10 MB download time ≤ python (ratio of times)', ours: ms(times10.socklab), peer: ms(times10.python), ratio: xRatio(times10.socklab / times10.python), met: times10.socklab <= times10.python },
      ...(get('nginx', '1k.bin', 'keep-alive')
        ? [
            {
              name: '1 KB requests/s ≥ 0.3× nginx (keep-alive)',
              ours: rps(get('socklab', '1k.bin', 'keep-alive')),
              peer: rps(get('nginx', '1k.bin', 'keep-alive')),
              ratio: xRatio(get('socklab', '1k.bin', 'keep-alive') / get('nginx', '1k.bin', 'keep-alive')),
              met: get('socklab', '1k.bin', 'keep-alive') / get('nginx', '1k.bin', 'keep-alive') >= 0.3
            },
            { name: '10 MB download time vs nginx', ours: ms(times10.socklab), peer: ms(times10.nginx), ratio: xRatio(times10.socklab / times10.nginx) }
          ]
        : []),
      // Another build of socklab (--baseline): every number within 10% of it, in the same run.
      ...(baseline
        ? [
            ...scenarios.map(([file, mode]) =>
              baselineTarget(`${size(file)} ${mode} requests/s`, { ours: get('socklab', file, mode), old: get('baseline', file, mode), ratio: rpsNewOverOld(file, mode), show: rps, how: 'round by round' })
            ),
            ...scenarios.map(([file, mode]) =>
              baselineTarget(`${size(file)} ${mode} CPU per request`, { ours: cpuPer('socklab', file, mode), old: cpuPer('baseline', file, mode), lowerIsBetter: true, show: (n) => `${fmt(n, 1)} µs` })
            ),
            baselineTarget('10 MB download time', { ours: times10.socklab, old: times10.baseline, ratio: timeNewOverOld, lowerIsBetter: true, show: ms, how: 'turn by turn' })
          ]
        : [])
    ]
    targetTable(`HTTP targets (peer: python, nginx${baseline ? ' or baseline' : ''} where named)`, targets)
    results.http = { baseline: baseline?.describe, wrk: { threads: 1, connections: WRK_CONNECTIONS, seconds: WRK_SECONDS, rounds }, rps: rpsBy, downloadMs: times10, downloadCpuMs: cpu10, downloads: downloadsBy, targets }
  } finally {
    await Promise.all(servers.map((s) => s.peer.stop()))
    for (const d of [dir, ...servers.map((s) => s.dir).filter(Boolean)]) removeTempDir(d)
  }
}
