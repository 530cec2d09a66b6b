// The relay with no impairment, against no relay, in the same run: a TCP bulk transfer (client →
// server, 256 MiB) direct and through `socklab relay`, and a paced UDP stream through `socklab
// relay --udp` that must lose nothing at 50,000 datagrams/s or more. Given --baseline, that
// build's relay runs in the same rounds.

import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { baselineTarget, buildHas, fmt, freePort, loadAverage, middle, newOverOld, removeTempDir, startPeer, table, targetTable, tempDir, THIS_BUILD, waitForPort, xRatio } from './lib.mjs'

const ROUNDS = 2
/** Bytes of one bulk transfer, client → server. */
const BULK_BYTES = 256 * 2 ** 20
/** The longest one transfer may take before the section fails (a stuck relay must not hang the bench). */
const BULK_TIMEOUT_MS = 60_000
const TCP_TARGET = 0.5
/** Datagrams of one UDP stream, their payload size, and the pace asked for. */
const UDP_COUNT = 200_000
const UDP_SIZE = 100
const UDP_RATE = 55_000
const UDP_TARGET_RATE = 50_000
/** The stream is over once nothing arrived for this long after the last datagram was sent. */
const UDP_QUIET_MS = 500
const UDP_TIMEOUT_MS = 30_000

/** The server side of both streams, a process of its own: counts what arrives, says so when asked. */
const SINK = `
const net = require('node:net'), dgram = require('node:dgram')
const [tcpPort, udpPort] = process.argv.slice(2).map(Number)
// TCP: each connection's bytes, answered with their count once the client has finished sending.
net.createServer((s) => {
  let n = 0
  s.on('data', (d) => (n += d.length))
  s.on('end', () => s.end(String(n)))
  s.on('error', () => {})
}).listen(tcpPort, '127.0.0.1')
// UDP: datagrams counted, and which numbers (the first 4 bytes) arrived, out of order, twice.
const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 })
let count = 0, bytes = 0, seen = new Uint8Array(0), distinct = 0, outOfOrder = 0, last = -1, first = 0, lastAt = 0
udp.on('message', (m) => {
  const now = performance.now()
  if (count === 0) first = now
  lastAt = now
  count++
  bytes += m.length
  const n = m.readUInt32BE(0)
  if (n >= seen.length) { const s = new Uint8Array(Math.max(n + 1, seen.length * 2, 1024)); s.set(seen); seen = s }
  if (!seen[n]) { seen[n] = 1; distinct++ }
  if (n < last) outOfOrder++
  last = n
})
udp.bind(udpPort, '127.0.0.1', () => process.stdout.write('ready\\n'))
process.stdin.setEncoding('utf8')
process.stdin.on('data', (line) => {
  if (line.startsWith('reset')) { count = 0; bytes = 0; seen = new Uint8Array(0); distinct = 0; outOfOrder = 0; last = -1; first = 0; lastAt = 0 }
  const idleMs = count ? performance.now() - lastAt : null
  process.stdout.write(JSON.stringify({ count, bytes, distinct, outOfOrder, seconds: (lastAt - first) / 1000, idleMs }) + '\\n')
})
`

/**
 * The least a relay can do, for reference: a plain Node forwarder with no records, counters or
 * impairments (TCP: pipe() both ways; UDP: one connected socket to the server per stream).
 */
const FORWARDER = `
const net = require('node:net'), dgram = require('node:dgram')
const [mode, listenPort, targetPort] = process.argv.slice(2)
if (mode === 'tcp') {
  // Half-open both ways, as the relay is: the client's end goes on to the server, whose reply still comes back.
  net.createServer({ allowHalfOpen: true }, (c) => {
    const s = net.connect({ port: Number(targetPort), host: '127.0.0.1', allowHalfOpen: true })
    c.pipe(s).on('error', () => {})
    s.pipe(c).on('error', () => {})
    c.on('error', () => s.destroy())
  }).listen(Number(listenPort), '127.0.0.1', () => process.stdout.write('Relay ready\\n'))
} else {
  const up = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
  const down = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 })
  up.connect(Number(targetPort), '127.0.0.1', () => {
    down.on('message', (m) => up.send(m))
    down.bind(Number(listenPort), '127.0.0.1', () => process.stdout.write('Relay ready\\n'))
  })
}
`

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return undefined
  }
}

/** A peer whose stdout we read line by line: `ask(line)` writes a line to its stdin and resolves with its next line. */
function lineChild(command, args, cwd) {
  const peer = startPeer(command, args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] })
  let buffered = ''
  const waiting = []
  peer.child.stdout.setEncoding('utf8')
  peer.child.stdout.on('data', (d) => {
    buffered += d
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i)
      buffered = buffered.slice(i + 1)
      waiting.shift()?.(line)
    }
  })
  const next = (ms = 10_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} said nothing in ${ms} ms`)), ms)
      waiting.push((line) => {
        clearTimeout(timer)
        resolve(line)
      })
    })
  return { ...peer, next, ask: (line) => (peer.child.stdin.write(`${line}\n`), next()) }
}

/**
 * A relay with no impairment: `socklab relay` of a build (quiet), or the plain forwarder (`build`
 * undefined); resolves once it listens. Its stdout holds the start lines and, for socklab's, on
 * SIGINT its summary.
 */
async function startRelay(build, port, to, udp, dir) {
  const args = build
    ? [...build.args, 'relay', '--listen', `127.0.0.1:${port}`, '--to', `127.0.0.1:${to}`, ...(udp ? ['--udp'] : []), '-q', '--lang', 'en']
    : [path.join(dir, 'forwarder.cjs'), udp ? 'udp' : 'tcp', String(port), String(to)]
  const peer = startPeer(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  peer.child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
  peer.child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
  const until = Date.now() + 15_000
  while (!/^Relay /m.test(out)) {
    if (Date.now() > until || peer.child.exitCode !== null) throw new Error(`${build?.name ?? 'node'} relay did not start:\n${out}\n${err}`)
    await new Promise((r) => setTimeout(r, 25))
  }
  if (!udp) await waitForPort(port)
  return {
    ...peer,
    cpu: () => cpuSeconds(peer.child.pid),
    /** Stops it with Ctrl-C and returns what it says it forwarded client → server (socklab's only). */
    async summary() {
      peer.child.kill('SIGINT')
      await Promise.race([peer.exited, new Promise((r) => setTimeout(r, 5000))])
      await peer.stop()
      const forwarded = /client → server: forwarded ([\d,]+)/.exec(out)?.[1]
      return forwarded === undefined ? undefined : Number(forwarded.replaceAll(',', ''))
    }
  }
}

/** Sends BULK_BYTES to port and resolves with MiB/s once the server has counted them all. */
function bulk(port) {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 'x')
    let sent = 0
    let reply = ''
    const t0 = performance.now()
    const s = net.connect({ host: '127.0.0.1', port })
    const timer = setTimeout(() => {
      s.destroy()
      reject(new Error(`a bulk transfer to ${port} took more than ${BULK_TIMEOUT_MS} ms (${fmt(sent / 2 ** 20)} MiB sent)`))
    }, BULK_TIMEOUT_MS)
    const pump = () => {
      while (sent < BULK_BYTES) {
        sent += chunk.length
        if (!s.write(chunk)) return void s.once('drain', pump)
      }
      s.end()
    }
    s.once('connect', pump)
    s.setEncoding('latin1')
    s.on('data', (d) => (reply += d))
    s.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    s.on('close', () => {
      clearTimeout(timer)
      const seconds = (performance.now() - t0) / 1000
      if (Number(reply) !== BULK_BYTES) reject(new Error(`the server counted ${reply || 'nothing'} of ${BULK_BYTES} bytes sent to ${port}`))
      else resolve({ mibPerSecond: BULK_BYTES / 2 ** 20 / seconds, seconds })
    })
  })
}

/**
 * Sends UDP_COUNT numbered datagrams to port at UDP_RATE a second, paced on the clock: every
 * millisecond or so what is due, in one burst (never more than MAX_BURST: a late tick must not
 * turn into a flood no receiver could take). No busy loop: on two cores a spinning sender would
 * take the relay's CPU. Resolves with the rate achieved.
 */
function stream(port) {
  const MAX_BURST = 512
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 << 20 })
    // A ring of buffers: a datagram the kernel could not take at once waits in Node's queue with
    // its buffer, which is not written again until thousands of sends later.
    const ring = Array.from({ length: 8192 }, () => Buffer.alloc(UDP_SIZE, 'u'))
    let sent = 0
    let failed = 0
    socket.on('error', () => failed++)
    const t0 = performance.now()
    const tick = () => {
      const elapsed = performance.now() - t0
      if (elapsed > UDP_TIMEOUT_MS) {
        socket.close()
        return reject(new Error(`the UDP stream to ${port} did not finish in ${UDP_TIMEOUT_MS} ms (${fmt(sent)} sent)`))
      }
      const due = Math.min(UDP_COUNT, Math.ceil((elapsed / 1000) * UDP_RATE))
      for (let burst = 0; sent < due && burst < MAX_BURST; burst++) {
        const d = ring[sent % ring.length]
        d.writeUInt32BE(sent++, 0)
        socket.send(d)
      }
      if (sent < UDP_COUNT) setTimeout(tick, 1)
      else {
        const seconds = (performance.now() - t0) / 1000
        // The last sends first: a send the kernel refused is counted.
        setTimeout(() => {
          socket.close()
          resolve({ sent, failed, seconds, perSecond: sent / seconds })
        }, 50)
      }
    }
    // Connected: each send skips the address lookup (a tick of its own per datagram otherwise).
    socket.bind(0, '127.0.0.1', () => socket.connect(port, '127.0.0.1', tick))
  })
}

/** Sends a stream through `port` and waits until the sink has been quiet for UDP_QUIET_MS: what arrived. */
async function udpRun(sink, port) {
  await sink.ask('reset')
  const s = await stream(port)
  let got
  for (const until = Date.now() + 10_000; Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 100))
    got = JSON.parse(await sink.ask('report'))
    if (got.count >= UDP_COUNT || (got.idleMs ?? Infinity) >= UDP_QUIET_MS) break
  }
  return { ...s, received: got.count, distinct: got.distinct, lost: UDP_COUNT - got.distinct, duplicates: got.count - got.distinct, outOfOrder: got.outOfOrder, receivedPerSecond: got.seconds > 0 ? got.count / got.seconds : undefined }
}

export async function benchRelay(results, { baseline, rounds = ROUNDS } = {}) {
  const dir = tempDir('socklab-bench-relay-')
  fs.writeFileSync(path.join(dir, 'sink.cjs'), SINK)
  fs.writeFileSync(path.join(dir, 'forwarder.cjs'), FORWARDER)
  const builds = [THIS_BUILD, ...(baseline && buildHas(baseline, 'relay') ? [baseline] : [])]
  if (baseline && builds.length === 1) console.log(`  note: the baseline has no relay command: measured without it`)
  // The relays measured, each a path from the client to the sink: socklab's (and the baseline's), the plain Node forwarder.
  const relayPaths = [...builds.map((b) => ({ name: b.name, build: b })), { name: 'node', build: undefined }]
  const label = (name) => (name === 'direct' ? 'direct' : name === 'node' ? 'through a plain Node forwarder' : `through ${name} relay`)
  const tcpPort = await freePort()
  const udpPort = await freePort()
  const sink = lineChild(process.execPath, [path.join(dir, 'sink.cjs'), String(tcpPort), String(udpPort)], dir)
  const relays = []
  const load = [loadAverage()]
  const tcp = { direct: [] }
  const udp = { direct: [] }
  for (const r of relayPaths) {
    tcp[r.name] = []
    udp[r.name] = []
  }
  try {
    if ((await sink.next()) !== 'ready') throw new Error('the sink did not start')
    await waitForPort(tcpPort)
    // TCP: direct and through each relay, in turn, reversed every other round.
    const tcpPaths = [{ name: 'direct', port: tcpPort }]
    for (const r of relayPaths) {
      const port = await freePort()
      const relay = await startRelay(r.build, port, tcpPort, false, dir)
      relays.push(relay)
      tcpPaths.push({ name: r.name, port, relay })
    }
    // One unmeasured transfer each: JIT and socket buffers settle.
    for (const p of tcpPaths) await bulk(p.port)
    for (let round = 0; round < rounds; round++) {
      for (const p of round % 2 ? [...tcpPaths].reverse() : tcpPaths) {
        const cpu0 = p.relay?.cpu()
        const r = await bulk(p.port)
        const cpu1 = p.relay?.cpu()
        tcp[p.name].push({ ...r, relayCpuSeconds: cpu1 === undefined || cpu0 === undefined ? undefined : cpu1 - cpu0 })
      }
    }
    load.push(loadAverage())
    // UDP: a fresh relay per run (socklab's summary says what it forwarded), in turn; direct for reference.
    for (let round = 0; round < rounds; round++) {
      for (const r of round % 2 ? [...relayPaths].reverse() : relayPaths) {
        const port = await freePort()
        const relay = await startRelay(r.build, port, udpPort, true, dir)
        relays.push(relay)
        const cpu0 = relay.cpu()
        const run = await udpRun(sink, port)
        const cpu1 = relay.cpu()
        run.relayCpuSeconds = cpu1 === undefined || cpu0 === undefined ? undefined : cpu1 - cpu0
        run.relayForwarded = r.build ? await relay.summary() : undefined
        await relay.stop()
        udp[r.name].push(run)
      }
      udp.direct.push(await udpRun(sink, udpPort))
    }
    load.push(loadAverage())
  } finally {
    await Promise.all([sink, ...relays].map((p) => p.stop()))
    removeTempDir(dir)
  }

  const mib = (list) => middle(list.map((r) => r.mibPerSecond))
  const vsDirect = (name) => newOverOld(tcp[name].map((r) => r.mibPerSecond), tcp.direct.map((r) => r.mibPerSecond))
  /** The relay's CPU time per MiB (TCP) or per datagram (UDP): what it costs, whatever else loads the machine. */
  const cpuPer = (list, per) => middle(list.map((r) => (r.relayCpuSeconds === undefined ? NaN : r.relayCpuSeconds / per(r))))
  console.log(
    `\nRelay, TCP bulk transfer: ${fmt(BULK_BYTES / 2 ** 20)} MiB client → server (64 KiB writes), direct, through socklab relay (no impairment) and through a plain Node forwarder (pipe() both ways), ` +
      `${rounds} rounds in turn after one unmeasured each; the middle of the rounds. Load average (1 min) during the section: ${load.map((l) => fmt(l, 1)).join(' → ')}`
  )
  const tcpRows = ['direct', ...relayPaths.map((r) => r.name)]
  table(
    ['path', 'MiB/s (middle)', 'per round', 'vs direct', 'relay CPU ms/MiB'],
    tcpRows.map((name) => [label(name), fmt(mib(tcp[name])), tcp[name].map((r) => fmt(r.mibPerSecond)).join(' / '), name === 'direct' ? '' : xRatio(vsDirect(name)), name === 'direct' ? '' : fmt(cpuPer(tcp[name], () => BULK_BYTES / 2 ** 20) * 1000, 2)])
  )
  console.log(
    `\nRelay, UDP stream: ${fmt(UDP_COUNT)} numbered datagrams of ${UDP_SIZE} bytes, paced at ${fmt(UDP_RATE)}/s, through socklab relay --udp (no impairment), a plain Node forwarder, and direct; ` +
      `the receiver counts them (4 MiB socket buffers asked for everywhere; net.core.rmem_max caps them)`
  )
  const udpRows = [...relayPaths.map((r) => r.name), 'direct']
  table(
    ['path', 'round', 'sent/s', 'relay forwarded', 'received', 'lost', 'duplicates', 'out of order', 'send errors', 'relay CPU µs/datagram'],
    udpRows.flatMap((name) =>
      udp[name].map((r, i) => [
        label(name),
        i + 1,
        fmt(r.perSecond),
        r.relayForwarded === undefined ? '—' : fmt(r.relayForwarded),
        fmt(r.received),
        fmt(r.lost),
        fmt(r.duplicates),
        fmt(r.outOfOrder),
        fmt(r.failed),
        r.relayCpuSeconds === undefined ? '—' : fmt((r.relayCpuSeconds / r.sent) * 1e6, 2)
      ])
    )
  )
  const ours = udp.socklab
  const worst = ours.reduce((a, r) => (r.lost > a.lost ? r : a), ours[0])
  const slowest = Math.min(...ours.map((r) => r.perSecond))
  const ratio = vsDirect('socklab')
  const targets = [
    { name: `TCP bulk through the relay ≥ ${TCP_TARGET}× direct (round by round)`, ours: `${fmt(mib(tcp.socklab))} MiB/s`, peer: `${fmt(mib(tcp.direct))} MiB/s`, ratio: xRatio(ratio), met: ratio >= TCP_TARGET },
    { name: 'TCP bulk through a plain Node forwarder vs direct (what this machine allows a relay)', ours: `${fmt(mib(tcp.node))} MiB/s`, peer: `${fmt(mib(tcp.direct))} MiB/s`, ratio: xRatio(vsDirect('node')) },
    { name: 'TCP relay CPU per MiB vs the plain Node forwarder', ours: `${fmt(cpuPer(tcp.socklab, () => BULK_BYTES / 2 ** 20) * 1000, 2)} ms`, peer: `${fmt(cpuPer(tcp.node, () => BULK_BYTES / 2 ** 20) * 1000, 2)} ms`, ratio: xRatio(cpuPer(tcp.socklab, () => 1) / cpuPer(tcp.node, () => 1)) },
    { name: 'UDP through the relay: 0 lost in every round', ours: fmt(worst.lost), peer: fmt(Math.max(...udp.direct.map((r) => r.lost))), met: ours.every((r) => r.lost === 0 && r.failed === 0) },
    { name: `UDP through the relay: sent at ≥ ${fmt(UDP_TARGET_RATE)} datagrams/s in every round`, ours: `${fmt(slowest)}/s`, peer: `${fmt(UDP_TARGET_RATE)}/s`, ratio: xRatio(slowest / UDP_TARGET_RATE), met: slowest >= UDP_TARGET_RATE },
    { name: 'UDP through a plain Node forwarder: lost (worst round)', ours: fmt(Math.max(...udp.node.map((r) => r.lost))), peer: fmt(Math.max(...udp.direct.map((r) => r.lost))) },
    { name: 'UDP relay CPU per datagram vs the plain Node forwarder', ours: `${fmt(cpuPer(ours, (r) => r.sent) * 1e6, 2)} µs`, peer: `${fmt(cpuPer(udp.node, (r) => r.sent) * 1e6, 2)} µs`, ratio: xRatio(cpuPer(ours, (r) => r.sent) / cpuPer(udp.node, (r) => r.sent)) },
    ...(builds.length > 1
      ? [baselineTarget('TCP bulk MiB/s through the relay', { ours: mib(tcp.socklab), old: mib(tcp.baseline), ratio: newOverOld(tcp.socklab.map((r) => r.mibPerSecond), tcp.baseline.map((r) => r.mibPerSecond)), show: (n) => `${fmt(n)} MiB/s`, how: 'round by round' })]
      : [])
  ]
  targetTable('Relay targets (peer: the direct path, or the target where named)', targets)
  results.relay = {
    baseline: builds.length > 1 ? baseline.describe : undefined,
    rounds,
    bulkBytes: BULK_BYTES,
    udp: { count: UDP_COUNT, size: UDP_SIZE, pacedAt: UDP_RATE },
    loadAverage: load,
    tcp,
    udpRuns: udp,
    targets: targets.map(({ name, ours, peer, ratio, met }) => ({ name, ours, peer, ratio, met }))
  }
}
