// What a long lab session's capture costs, with real dumpcap and tshark on the loopback interface:
// a session that has used hundreds of ports still shows a new port's first exchange at once (the
// filter does not grow with the ports), and a capture wide enough to take other programs' packets
// never shows or exports them.

import { execFileSync } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { createLabHandlers } from '../src/session/handlers'
import { LabCapture } from '../src/session/lab-capture'
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
})

function boot(): WirePacket[] {
  lab = new Lab()
  capture = new LabCapture(lab)
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
    expect(rows.length).toBe(got.length)
    expect(rows.some((r) => r.split('\t').includes(String(strangerPort)))).toBe(false)
    expect(rows.filter((r) => r.split('\t')[1] === String(port)).length).toBe(2)
  }, 90_000)
})
