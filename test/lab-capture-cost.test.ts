// What a long lab session's capture costs, with real dumpcap and tshark on the loopback interface:
// a session that has used hundreds of ports still shows a new port's first exchange at once (the
// filter does not grow with the ports), and a capture wide enough to take other programs' packets
// never shows or exports them.

import { execFileSync, spawn } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { createLabHandlers } from '../src/session/handlers'
import { LabCapture, type CaptureLimits } from '../src/session/lab-capture'
import { Lab } from '../src/engine/lab'
import type { LabHandlers } from '../src/shared/contract'
import type { WirePacket } from '../src/shared/wire'
import { captureSkipReason, sleep } from './helpers/capture'
import { freePort } from './helpers/processes'

const skip = await captureSkipReason()

let lab: Lab
let capture: LabCapture
let handlers: LabHandlers
const dirs: string[] = []
const sockets: dgram.Socket[] = []

afterEach(async () => {
  sockets.splice(0).forEach((s) => s.close())
  await Promise.all([lab?.stopAll(), capture?.dispose()])
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }))
}, 60_000)

function boot(limits?: Partial<CaptureLimits>): WirePacket[] {
  lab = new Lab()
  capture = new LabCapture(lab, { limits })
  handlers = createLabHandlers(lab, { host: 'browser', version: 'test', sampleSite: '/nowhere', exportPcapng: async () => ({ kind: 'cancelled' }) }, capture)
  const got: WirePacket[] = []
  capture.on('packets', (b) => got.push(...b))
  return got
}

async function until(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`)
    await sleep(10)
  }
}

/** `count` ports that are free now (the lab only names them: nothing is bound to them). */
async function ports(count: number): Promise<number[]> {
  const out = new Set<number>()
  while (out.size < count) out.add(await freePort())
  return [...out]
}

function udpSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4')
  sockets.push(s)
  return new Promise((resolve) => s.bind(0, '127.0.0.1', () => resolve(s)))
}

/**
 * A bounded flood: python3 sends `count` datagrams of `size` bytes to the port at about `rate` a
 * second (as fast as it can when 0), and ends; at most `count / rate + 30` s.
 */
function flood(port: number, count: number, size: number, rate = 0): Promise<void> {
  const script = `
import socket, sys, time
port, count, size, rate = map(int, sys.argv[1:5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
data = b'f' * size
start = time.time()
for i in range(count):
    s.sendto(data, ('127.0.0.1', port))
    if rate and i % 100 == 99:
        ahead = (i + 1) / rate - (time.time() - start)
        if ahead > 0: time.sleep(ahead)
`
  const child = spawn('python3', ['-c', script, String(port), String(count), String(size), String(rate)], { stdio: 'ignore' })
  const limit = setTimeout(() => child.kill('SIGKILL'), ((rate ? count / rate : 10) + 30) * 1000)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', () => {
      clearTimeout(limit)
      resolve()
    })
  })
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, f) => sum + (fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0), 0)
}

/** The capture's own folder (it makes it on its first start). */
function captureFolder(): string {
  const dirs = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('socklab-capture-')).map((d) => path.join(os.tmpdir(), d))
  // Ours is the newest.
  return dirs.sort((a, b) => fs.statSync(b).ctimeMs - fs.statSync(a).ctimeMs)[0]
}

describe.skipIf(skip)('a long session’s capture (real dumpcap and tshark)', () => {
  it('after 500 ports, a new port’s first exchange reaches the feed within 2 s, and other programs’ packets reach neither the feed nor the export', async () => {
    const got = boot()
    const used = await ports(500)
    expect(await handlers.startCapture()).toMatchObject({ state: 'on' })
    // The session has used 499 ports (its endpoints say so as they start: cover()).
    await capture.cover(used.slice(0, 499))
    expect(capture.status()).toMatchObject({ state: 'on' })

    // Another program's datagrams, on a port the lab never used: the kernel carries them on lo.
    const stranger = await udpSocket()
    const strangerPort = (await ports(1))[0]
    stranger.send('not the lab', strangerPort, '127.0.0.1')

    // The 500th port: a UDP server and its client, started the way the window starts them.
    const port = used[499]
    await handlers.start({ kind: 'udp-server', address: '127.0.0.1', port, recvSize: 2048 })
    const client = await handlers.start({ kind: 'udp-client', address: '127.0.0.1', port, recvSize: 2048, timeoutMs: 5000 })
    const asked = Date.now()
    await handlers.send(client.id, 'ping')
    await until(() => got.some((p) => p.dst.port === port), 'the first datagram on the 500th port', 2000)
    const took = Date.now() - asked
    expect(took).toBeLessThan(2000)
    await until(() => got.filter((p) => p.proto === 'UDP' && (p.dst.port === port || p.src.port === port)).length === 2, 'the reply', 2000)

    stranger.send('still not the lab', strangerPort, '127.0.0.1')
    // A last datagram of the lab's, after the stranger's: once it is in, the stranger's would have been too.
    await handlers.send(client.id, 'last')
    await until(() => got.filter((p) => p.dst.port === port).length === 2, 'the last datagram', 5000)
    await sleep(300)
    expect(got.filter((p) => p.src.port === strangerPort || p.dst.port === strangerPort)).toEqual([])

    // The export holds the window's packets, numbered as the window numbers them, and no stranger's.
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-cost-'))
    dirs.push(d)
    const file = path.join(d, 'lab.pcapng')
    await pipeline(capture.pcapng()!, fs.createWriteStream(file))
    const rows = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'udp.dstport', '-e', 'tcp.dstport'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .filter(Boolean)
    expect(rows.length).toBe(got.length)
    expect(rows.some((r) => r.split('\t').includes(String(strangerPort)))).toBe(false)
    expect(rows.filter((r) => r.split('\t')[1] === String(port)).length).toBe(2)
  }, 90_000)

  it('a flood keeps the capture files under the disk bound, and says how many older packets left the export', async () => {
    const [diskBytes, rotateBytes] = [8 * 1024 * 1024, 1024 * 1024]
    const got = boot({ rotateBytes, diskBytes })
    const port = (await ports(1))[0]
    await handlers.startCapture()
    await capture.cover([port])
    const dir = captureFolder()
    let most = 0
    const sample = setInterval(() => (most = Math.max(most, folderBytes(dir))), 100)
    // About 60 MB of pcapng at 2.9 MB/s.
    const [count, bytes, rate] = [40_000, 1400, 2000]
    await flood(port, count, bytes, rate)
    await until(() => Date.now() - (got.at(-1)?.time ?? 0) / 1000 > 1500, 'the flood dissected', 60_000)
    await sleep(1000)
    clearInterval(sample)
    most = Math.max(most, folderBytes(dir))
    const status = capture.status()
    // The stated bound: diskBytes, plus the file of a capture handing over, which grows while its
    // successor starts (up to 10 s on two loaded cores).
    expect(most).toBeLessThanOrEqual(diskBytes + rotateBytes + (bytes + 100) * rate * 10)
    expect(most).toBeLessThan(((bytes + 100) * count) / 1.2)
    expect(status.forgotten).toBeGreaterThan(0)

    // The export: the packets still on disk; the first `forgotten` of the window's are no longer.
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-cost-'))
    dirs.push(d)
    const file = path.join(d, 'lab.pcapng')
    await pipeline(capture.pcapng()!, fs.createWriteStream(file))
    const frames = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'udp.length'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 })
      .trim()
      .split('\n')
      .filter(Boolean)
    expect(frames.length).toBe(status.packets - status.forgotten!)
  }, 120_000)

  it('the export streams from the capture files: its memory does not follow the capture’s size', async () => {
    boot()
    const port = (await ports(1))[0]
    await handlers.startCapture()
    await capture.cover([port])
    // About 30 MB of pcapng.
    await flood(port, 20_000, 1400, 4000)
    await until(() => capture.status().packets >= 15_000, 'the flood dissected', 60_000)
    for (let last = -1; last !== capture.status().packets; await sleep(1000)) last = capture.status().packets
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-cost-'))
    dirs.push(d)
    const file = path.join(d, 'lab.pcapng')
    // Its first bytes come before the capture is read whole: what it holds then is a chunk, not the capture.
    const before = process.memoryUsage().arrayBuffers
    const reading = capture.pcapng()![Symbol.asyncIterator]()
    const first = (await reading.next()).value as Buffer
    const held = process.memoryUsage().arrayBuffers - before
    const out = fs.createWriteStream(file)
    out.write(first)
    await pipeline(Readable.from({ [Symbol.asyncIterator]: () => reading }), out)
    const size = fs.statSync(file).size
    expect(size).toBeGreaterThan(15_000 * 1400)
    expect(held).toBeLessThan(size / 4)
    const frames = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }).trim().split('\n')
    expect(frames.length).toBe(capture.status().packets)
  }, 120_000)

  it('after a flood tshark cannot keep up with, the newest packets reach the feed within seconds, and the skipped ones are counted', async () => {
    const got = boot()
    const port = (await ports(1))[0]
    await handlers.startCapture()
    await capture.cover([port])
    // As fast as python3 sends: several times what tshark dissects.
    await flood(port, 600_000, 20)
    const ended = Date.now()
    // A datagram every 250 ms after the flood, for at most 30 s: the first to show tells how far behind the view is.
    const marker = await udpSocket()
    const markers = setInterval(() => marker.send(Buffer.alloc(333), port, '127.0.0.1'), 250)
    try {
      await until(() => got.some((p) => p.length === 333), 'a datagram sent after the flood', 30_000)
    } finally {
      clearInterval(markers)
    }
    expect(Date.now() - ended).toBeLessThan(10_000)
    expect(capture.status().skipped).toBeGreaterThan(0)
  }, 120_000)
})
