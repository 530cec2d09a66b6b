// HTTP: requests/s on a 1 KB and a 100 KB file (wrk, keep-alive and Connection: close) and the
// time of a 10 MB download (curl), socklab http-server against python3 -m http.server and nginx.

import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fmt, freePort, has, median, runTool, SOCKLAB, startPeer, table, verdict, waitForPort } from './lib.mjs'

const WRK_SECONDS = 4
const WRK_CONNECTIONS = 32
const DOWNLOADS = 9
/** Unmeasured runs first: JIT compilation (ours), caches (everyone's) settle before the clock starts. */
const WARMUP_SECONDS = 1
const WARMUP_DOWNLOADS = 2

function makeSite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-bench-'))
  fs.writeFileSync(path.join(dir, '1k.bin'), crypto.randomBytes(1024))
  fs.writeFileSync(path.join(dir, '100k.bin'), crypto.randomBytes(100 * 1024))
  fs.writeFileSync(path.join(dir, '10m.bin'), crypto.randomBytes(10 * 1024 * 1024))
  // nginx's worker runs as another user when started by root: let it read the files.
  fs.chmodSync(dir, 0o755)
  return dir
}

async function startServers(dir) {
  const servers = []
  const port = await freePort()
  servers.push({ name: 'socklab', port, peer: startPeer(process.execPath, [SOCKLAB, 'http-server', '-a', '127.0.0.1', '-p', String(port), '-d', dir]) })
  const pyPort = await freePort()
  servers.push({ name: 'python', port: pyPort, peer: startPeer('python3', ['-m', 'http.server', String(pyPort), '--bind', '127.0.0.1', '-d', dir]) })
  if (has('nginx')) {
    const ngPort = await freePort()
    const conf = path.join(dir, '..', `${path.basename(dir)}-nginx.conf`)
    fs.writeFileSync(
      conf,
      `daemon off; master_process on; worker_processes 1; pid ${dir}-nginx.pid; error_log ${dir}-nginx.err;\n` +
        `events { worker_connections 1024; }\n` +
        `http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000; default_type application/octet-stream;\n` +
        `  client_body_temp_path ${os.tmpdir()}; proxy_temp_path ${os.tmpdir()}; fastcgi_temp_path ${os.tmpdir()}; uwsgi_temp_path ${os.tmpdir()}; scgi_temp_path ${os.tmpdir()};\n` +
        `  server { listen 127.0.0.1:${ngPort}; root ${dir}; } }\n`
    )
    servers.push({ name: 'nginx', port: ngPort, peer: startPeer('nginx', ['-c', conf, '-p', dir]) })
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

async function download(url) {
  const times = []
  for (let i = -WARMUP_DOWNLOADS; i < DOWNLOADS; i++) {
    const out = await runTool('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', url], 60_000)
    const [t, size] = out.trim().split(' ').map(Number)
    if (size !== 10 * 1024 * 1024) throw new Error(`${url}: downloaded ${size} bytes, not 10 MiB`)
    if (i >= 0) times.push(t * 1000)
  }
  return median(times)
}

export async function benchHttp(results) {
  if (!has('wrk')) {
    console.log('wrk is not installed: the HTTP requests/s comparison is skipped (apt-get install wrk)')
    return
  }
  const dir = makeSite()
  const servers = await startServers(dir)
  try {
    const rps = {}
    for (const s of servers) await runTool('wrk', ['-t1', `-c${WRK_CONNECTIONS}`, `-d${WARMUP_SECONDS}s`, `http://127.0.0.1:${s.port}/1k.bin`], 30_000)
    for (const file of ['1k.bin', '100k.bin']) {
      for (const close of [false, true]) {
        for (const s of servers) {
          const r = await wrk(`http://127.0.0.1:${s.port}/${file}`, close)
          rps[`${s.name} ${file} ${close ? 'close' : 'keep-alive'}`] = r
          if (r.errors || r.non2xx) console.log(`  note: ${s.name} ${file}: socket errors ${r.errors || 0}, non-2xx ${r.non2xx}`)
        }
      }
    }
    const get = (name, file, mode) => rps[`${name} ${file} ${mode}`]?.rps
    const rows = []
    for (const file of ['1k.bin', '100k.bin']) {
      for (const mode of ['keep-alive', 'close']) {
        const ours = get('socklab', file, mode)
        const py = get('python', file, mode)
        const ng = get('nginx', file, mode)
        rows.push([file, mode, fmt(ours), fmt(py), fmt(ng), `${fmt(ours / py, 1)}×`, ng ? `${fmt(ours / ng, 2)}×` : '—'])
      }
    }
    console.log(`\nrequests/s, wrk -t1 -c${WRK_CONNECTIONS} -d${WRK_SECONDS}s (python's http.server speaks HTTP/1.0 and closes every connection, so its keep-alive runs are new connections too)`)
    table(['file', 'connections', 'socklab', 'python', 'nginx', 'vs python', 'vs nginx'], rows)

    const times = {}
    for (const s of servers) times[s.name] = await download(`http://127.0.0.1:${s.port}/10m.bin`)
    console.log(`\n10 MB download, curl, median of ${DOWNLOADS} after ${WARMUP_DOWNLOADS} unmeasured`)
    table(
      ['server', 'ms'],
      Object.entries(times).map(([n, t]) => [n, fmt(t, 1)])
    )

    const best = (name, file) => Math.max(get(name, file, 'keep-alive'), get(name, file, 'close'))
    const targets = [
      ['1 KB requests/s ≥ 8× python (best mode each)', best('socklab', '1k.bin') / best('python', '1k.bin'), (r) => r >= 8],
      ['100 KB requests/s ≥ 8× python (best mode each)', best('socklab', '100k.bin') / best('python', '100k.bin'), (r) => r >= 8],
      ['10 MB download time ≤ python (ratio of times)', times.socklab / times.python, (r) => r <= 1],
      ...(times.nginx ? [['1 KB requests/s ≥ 0.3× nginx (keep-alive)', get('socklab', '1k.bin', 'keep-alive') / get('nginx', '1k.bin', 'keep-alive'), (r) => r >= 0.3]] : [])
    ]
    console.log('\nHTTP targets')
    table(
      ['target', 'ratio', ''],
      targets.map(([name, ratio, ok]) => [name, `${fmt(ratio, 2)}×`, verdict(ok(ratio))])
    )
    results.http = { rps: Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, v.rps])), downloadMs: times, targets: targets.map(([name, ratio, ok]) => ({ name, ratio, met: ok(ratio) })) }
  } finally {
    await Promise.all(servers.map((s) => s.peer.stop()))
    fs.rmSync(dir, { recursive: true, force: true })
    for (const f of fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(`${path.basename(dir)}-nginx`))) fs.rmSync(path.join(os.tmpdir(), f), { force: true })
  }
}
