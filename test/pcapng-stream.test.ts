// The export's streaming reader of capture files, the kept frames' ranges, and the packet ports read
// from raw loopback frames: on a file dumpcap writes here (real packets), and on its bytes cut anywhere.

import { execFileSync, spawn } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FrameRanges } from '../src/session/frame-ranges'
import { countFramesAfter, keptBlocks, wholeBlocks } from '../src/session/pcapng-file'
import { captureSkipReason, sleep } from './helpers/capture'
import { freePort } from './helpers/processes'

describe('FrameRanges', () => {
  it('keeps runs of frames as ranges, answers in one pass, and ignores a frame out of order', () => {
    const r = new FrameRanges()
    for (const f of [1, 2, 3, 5, 6, 9, 9, 4]) r.add(f)
    expect(r.size).toBe(6)
    expect(r.spans).toBe(3)
    const cursor = { at: 0 }
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((f) => r.has(f, cursor))).toEqual([true, true, true, false, true, true, false, false, true, false])
    const flood = new FrameRanges()
    for (let f = 1; f <= 1_000_000; f++) flood.add(f)
    expect(flood.spans).toBe(1)
  })
})

const skip = await captureSkipReason()

describe.skipIf(skip)('a capture file dumpcap wrote (real packets)', () => {
  // Made in beforeAll, not while the file is collected: a run that filters these tests out
  // (vitest -t) collects them but runs no afterAll, and would leave the folder behind.
  let dir = ''
  let file = ''
  let lab = 0
  let other = 0
  let sentAt = 0

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-pcapng-stream-'))
    file = path.join(dir, 'c.pcapng')
    ;[lab, other] = [await freePort(), await freePort()]
    const dumpcap = spawn('dumpcap', ['-q', '-i', 'lo', '-f', `udp port ${lab} or udp port ${other}`, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] })
    let said = ''
    dumpcap.stderr!.on('data', (d) => (said += d))
    for (let i = 0; i < 200 && !/File: /.test(said); i++) await sleep(50)
    const s = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))
    // 300 datagrams: the lab's and another program's, alternating; then 100 more of the lab's.
    for (let i = 0; i < 150; i++) {
      s.send(Buffer.alloc(100), lab, '127.0.0.1')
      s.send(Buffer.alloc(100), other, '127.0.0.1')
    }
    await sleep(300)
    sentAt = Date.now() * 1000
    await sleep(50)
    for (let i = 0; i < 100; i++) s.send(Buffer.alloc(100), lab, '127.0.0.1')
    await sleep(500)
    s.close()
    dumpcap.kill('SIGINT')
    await new Promise((resolve) => dumpcap.once('exit', resolve))
  }, 30_000)
  afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }))

  it('streams the kept frames only, whole blocks, as tshark reads them', async () => {
    const keep = new FrameRanges()
    for (let f = 1; f <= 400; f += 2) keep.add(f)
    const parts: Buffer[] = []
    for await (const chunk of keptBlocks(file, keep)) parts.push(chunk)
    const out = path.join(dir, 'kept.pcapng')
    fs.writeFileSync(out, Buffer.concat(parts))
    const ports = execFileSync('tshark', ['-r', out, '-T', 'fields', '-e', 'udp.dstport'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')
    // Frames 1, 3, 5, ...: the lab's of the alternating ones, and every other of the last 100.
    expect(ports.length).toBe(200)
    expect(ports.slice(0, 150).every((p) => p === String(lab))).toBe(true)
  })

  it('a file cut mid-block streams its whole blocks only', async () => {
    const whole = fs.readFileSync(file)
    const cut = path.join(dir, 'cut.pcapng')
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 37))
    const all = { has: () => true }
    const parts: Buffer[] = []
    for await (const chunk of keptBlocks(cut, all)) parts.push(chunk)
    expect(Buffer.concat(parts)).toEqual(wholeBlocks(whole.subarray(0, whole.length - 37)))
  })

  it('counts the frames after one, captured before a time, on the lab’s ports only when asked', async () => {
    // Frames 1..300 alternate lab/other (before sentAt); 301..400 are the lab's, after it.
    expect(await countFramesAfter(file, 0, sentAt)).toBe(300)
    expect(await countFramesAfter(file, 100, sentAt, new Set([lab]))).toBe(100)
    expect(await countFramesAfter(file, 0, Number.MAX_SAFE_INTEGER, new Set([lab]))).toBe(250)
    expect(await countFramesAfter(path.join(dir, 'gone.pcapng'), 0, sentAt)).toBe(0)
  })
})
