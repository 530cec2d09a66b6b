// HTTP: requests/s on a 1 KB and a 100 KB file (wrk, keep-alive and Connection: close) and the
// time of a 10 MB download (curl), socklab http-server against python3 -m http.server and nginx.

import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fmt, freePort, has, median, runTool, SOCKLAB, removeTempDir, startPeer, table, targetTable, tempDir, waitForPort, xRatio } from './lib.mjs'

const WRK_SECONDS = 3
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

async function startServers(dir) {
  const servers = []
  const port = await freePort()
  servers.push({ name: 'socklab', port, peer: startPeer(process.execPath, [SOCKLAB, 'http-server', '-a', '127.0.0.1', '-p', String(port), '-d', dir]) })
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
  const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? ''
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  return { rps, errors, non2xx }
}

/** One 10 MB download with curl; resolves with its time in ms (the byte count is checked). */
async function download(url) {
  const out = await runTool('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url], 60_000)
  const [t, size] = out.trim().split(' ').map(Number)
  if (size !== 10 * 1024 * 1024) throw new Error(`${url}: downloaded ${size} bytes, not 10 MiB`)
  return t * 1000
}

/** Each server's median download time; the servers take turns, download by download. */
async function downloads(servers) {
  const times = Object.fromEntries(servers.map((s) => [s.name, []]))
  for (let i = -WARMUP_DOWNLOADS; i < DOWNLOADS; i++) {
    for (const s of servers) {
      const ms = await download(`http://127.0.0.1:${s.port}/10m.bin`)
      if (i >= 0) times[s.name].push(ms)
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, t]) => [name, median(t)]))
}

export async function benchHttp(results) {
  if (!has('wrk')) {
    console.log('wrk is not installed: the HTTP requests/s comparison is skipped (apt-get install wrk)')
    return
  }
  const dir = makeSite()
  const servers = await startServers(dir)
  try {
    const rpsBy = {}
    for (const s of servers) await runTool('wrk', ['-t1', `-c${WRK_CONNECTIONS}`, `-d${WARMUP_SECONDS}s`, `http://127.0.0.1:${s.port}/1k.bin`], 30_000)
    // ROUNDS rounds, the servers in turn and in reverse order every other round, so that whatever
    // drifts (TIME_WAIT sockets from the Connection: close runs, the machine's other load) weighs
    // on all alike; requests/s is the mean over the rounds.
    for (let round = 0; round < ROUNDS; round++) {
      for (const file of ['1k.bin', '100k.bin']) {
        for (const close of [false, true]) {
          for (const s of round % 2 ? [...servers].reverse() : servers) {
            const r = await wrk(`http://127.0.0.1:${s.port}/${file}`, close)
            const key = `${s.name} ${file} ${close ? 'close' : 'keep-alive'}`
            const all = (rpsBy[key] ??= { rounds: [], errors: [], non2xx: 0 })
            all.rounds.push(r.rps)
            all.rps = all.rounds.reduce((a, b) => a + b, 0) / all.rounds.length
            if (r.errors) all.errors.push(r.errors)
            all.non2xx += r.non2xx
            if (r.errors || r.non2xx) console.log(`  note: ${key}: socket errors ${r.errors || 0}, non-2xx ${r.non2xx}`)
          }
        }
      }
    }
    const get = (name, file, mode) => rpsBy[`${name} ${file} ${mode}`]?.rps
    const rows = []
    for (const file of ['1k.bin', '100k.bin']) {
      for (const mode of ['keep-alive', 'close']) {
        const ours = get('socklab', file, mode)
        const py = get('python', file, mode)
        const ng = get('nginx', file, mode)
        rows.push([file, mode, fmt(ours), fmt(py), fmt(ng), xRatio(ours / py, 1), xRatio(ours / ng)])
      }
    }
    console.log(
      `\nrequests/s, wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s, mean of ${ROUNDS} rounds ` +
        `(python's http.server speaks HTTP/1.0 and closes every connection, so its keep-alive runs are new connections too)`
    )
    table(['file', 'connections', 'socklab', 'python', 'nginx', 'vs python', 'vs nginx'], rows)

    const times10 = await downloads(servers)
    console.log(`\n10 MB download, curl -o /dev/null, median of ${DOWNLOADS} after ${WARMUP_DOWNLOADS} unmeasured, the servers taking turns`)
    table(
      ['server', 'ms'],
      Object.entries(times10).map(([n, t]) => [n, fmt(t, 2)])
    )

    const best = (name, file) => Math.max(get(name, file, 'keep-alive'), get(name, file, 'close'))
    const rps = (n) => `${fmt(n)}/s`
    const ms = (n) => `${fmt(n, 2)} ms`
    const targets = [
      ...['1k.bin', '100k.bin'].map((file) => {
        const [ours, py] = [best('socklab', file), best('python', file)]
        return { name: `${file === '1k.bin' ? '1 KB' : '100 KB'} requests/s ≥ 8× python (best mode each)`, ours: rps(ours), peer: rps(py), ratio: xRatio(ours / py, 1), met: ours / py >= 8 }
      }),
      ...['1k.bin', '100k.bin'].map((file) => {
        const [ours, py] = [get('socklab', file, 'close'), get('python', file, 'close')]
        return { name: `${file === '1k.bin' ? '1 KB' : '100 KB'} requests/s vs python, both Connection: close`, ours: rps(ours), peer: rps(py), ratio: xRatio(ours / py, 1) }
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
        : [])
    ]
    targetTable('HTTP targets (peer: python, nginx where named)', targets)
    results.http = { wrk: { threads: 1, connections: WRK_CONNECTIONS, seconds: WRK_SECONDS, rounds: ROUNDS }, rps: rpsBy, downloadMs: times10, targets }
  } finally {
    await Promise.all(servers.map((s) => s.peer.stop()))
    for (const d of [dir, ...servers.map((s) => s.dir).filter(Boolean)]) removeTempDir(d)
  }
}
