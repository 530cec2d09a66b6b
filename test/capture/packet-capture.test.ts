// The live capture: dumpcap and tshark as subprocesses, packets in labelled batches, a ring of its
// own, the pcapng export, the drop count, and the one sentence when capture is impossible.

import { problemEnglish } from '../../src/engine/capture/capture-problem'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkCapture } from '../../src/engine/capture/capture-check'
import { CaptureUnavailableError, PacketCapture } from '../../src/engine/capture/packet-capture'
import { findCaptureTools, hostSearch, type ToolSearch } from '../../src/engine/capture/tools'
import type { WirePacket } from '../../src/shared/wire'
import { captureSkipReason, packetCount, sleep, tcpExchange, udpExchange, unprivilegedSkipReason } from '../helpers/capture'
import { freePort } from '../helpers/processes'

const skip = await captureSkipReason()
const captures: PacketCapture[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(captures.splice(0).map((c) => c.stop()))
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }))
})

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-capture-'))
  dirs.push(d)
  return d
}

function capture(options: ConstructorParameters<typeof PacketCapture>[0]): PacketCapture {
  const c = new PacketCapture(options)
  captures.push(c)
  return c
}

/** Every batch the capture emits, and a wait until `n` packets have come. */
function collect(c: PacketCapture): { batches: WirePacket[][]; until(n: number, ms?: number): Promise<WirePacket[]> } {
  const batches: WirePacket[][] = []
  c.on('packets', (b) => batches.push(b))
  return {
    batches,
    // start() resolves once dumpcap captures; tshark may take seconds more to dissect on a loaded machine.
    async until(n, ms = 40_000) {
      const end = Date.now() + ms
      while (batches.flat().length < n) {
        if (Date.now() > end) throw new Error(`only ${batches.flat().length} of ${n} packets after ${ms} ms`)
        await sleep(20)
      }
      return batches.flat()
    }
  }
}

describe.skipIf(skip)('live capture with dumpcap and tshark', { timeout: 60_000 }, () => {
  it('TCP and UDP, IPv4 and IPv6 on the watched ports: labelled batches, the summary, the pcapng export', async () => {
    const port = await freePort('::1')
    const file = path.join(tempDir(), 'lab.pcapng')
    const c = capture({ ports: [port], pcapngPath: file })
    const got = collect(c)
    await c.start()
    expect(c.running).toBe(true)
    const other = await freePort()
    await tcpExchange('127.0.0.1', port)
    await udpExchange('::1', port)
    // Traffic on another port is not captured.
    await udpExchange('127.0.0.1', other)
    const all = await got.until(12)
    await sleep(300)
    const end = await c.stop()
    expect(all.every((p) => p.dst.port === port || p.src.port === port)).toBe(true)
    expect(all.filter((p) => p.proto === 'UDP').map((p) => [p.family, p.sender])).toEqual([
      ['IPv6', 'client'],
      ['IPv6', 'server']
    ])
    expect(all.filter((p) => p.step).map((p) => p.step)).toEqual(['handshake-1', 'handshake-2', 'handshake-3', 'server-close', 'client-close', 'last-ack'])
    expect(c.history()).toEqual(all)
    expect(end).toEqual({ packets: all.length, tcpConnections: 1, udpExchanges: 1, dropped: 0 })
    // The export is the capture itself: tshark reads back the same packets.
    expect(await packetCount(file)).toBe(all.length)
    expect(await c.stop()).toEqual(end)
  })

  it('keeps only the newest packets in its ring, and still counts them all', async () => {
    const port = await freePort()
    const c = capture({ ports: [port], ringSize: 5 })
    const got = collect(c)
    await c.start()
    await tcpExchange('127.0.0.1', port)
    const all = await got.until(10)
    await sleep(300)
    const end = await c.stop()
    expect(c.history()).toEqual(all.slice(-5))
    expect(end.packets).toBe(all.length)
  })

  it('with an export file, start() resolves only once dumpcap captures, however late it starts after tshark says "Capturing on"', async () => {
    // A loaded PC, pinned: the real tshark (copied, so it runs the dumpcap beside it) and the real
    // dumpcap, started 3 s late. A packet sent as soon as start() resolves must be in the capture.
    const tools = findCaptureTools()
    if (!tools.found) throw new Error('capture tools vanished')
    const slow = tempDir()
    fs.copyFileSync(tools.tools.tshark, path.join(slow, 'tshark'))
    fs.chmodSync(path.join(slow, 'tshark'), 0o755)
    fs.writeFileSync(path.join(slow, 'dumpcap'), `#!/bin/sh\nsleep 3\nexec '${tools.tools.dumpcap}' "$@"\n`, { mode: 0o755 })
    const port = await freePort()
    const file = path.join(tempDir(), 'late.pcapng')
    const c = capture({ ports: [port], pcapngPath: file, search: { ...hostSearch(), env: { ...process.env, SOCKLAB_WIRESHARK: slow } } })
    const got = collect(c)
    await c.start()
    await udpExchange('127.0.0.1', port)
    const packets = await got.until(2)
    expect(packets.map((p) => p.proto)).toEqual(['UDP', 'UDP'])
    expect(await c.stop()).toMatchObject({ packets: 2 })
    expect(await packetCount(file)).toBe(2)
  })

  it('says "end" once, with no problem, when stopped', async () => {
    const c = capture({ ports: [await freePort()] })
    const ends: unknown[] = []
    c.on('end', (e) => ends.push(e))
    await c.start()
    await c.stop()
    await c.stop()
    expect(ends).toEqual([{ packets: 0, tcpConnections: 0, udpExchanges: 0, dropped: 0 }])
  })

  it('a pcapng file that cannot be written: one sentence, nothing started', async () => {
    const c = capture({ ports: [await freePort()], pcapngPath: path.join(tempDir(), 'no', 'such', 'dir', 'x.pcapng') })
    await expect(c.start()).rejects.toThrow(/^Packet capture failed: cannot write .*x\.pcapng: its folder does not exist\.$/)
  })
})

const cannotDropPrivileges = skip ?? unprivilegedSkipReason('dumpcap')
if (cannotDropPrivileges) console.warn(`capture permission test skipped: ${cannotDropPrivileges}`)

describe('when capture is impossible', () => {
  /**
   * A Wireshark folder whose tools run as `nobody` (with a home of its own), as for a student who
   * is not in the wireshark group. tshark starts its own dumpcap, which is then `nobody`'s too.
   */
  function unprivilegedTools(): ToolSearch {
    const real = findCaptureTools()
    if (!real.found) throw new Error('no tools')
    const dir = tempDir()
    fs.chmodSync(dir, 0o755)
    const wrap = (tool: string): string => `#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=${dir} ${tool} "$@"\n`
    fs.writeFileSync(path.join(dir, 'dumpcap'), wrap(real.tools.dumpcap), { mode: 0o755 })
    fs.writeFileSync(path.join(dir, 'tshark'), wrap(real.tools.tshark), { mode: 0o755 })
    return { ...hostSearch(), env: { ...process.env, SOCKLAB_WIRESHARK: dir } }
  }

  it.skipIf(cannotDropPrivileges)('a user who may not capture: the check and the capture both say so, with the Debian remedy', async () => {
    const search = unprivilegedTools()
    const check = await checkCapture(search)
    expect(check.ok ? check : { ...check, problem: { kind: check.problem.kind, message: problemEnglish(check.problem) } }).toEqual({ ok: false, problem: { kind: 'not-permitted', message: expect.stringMatching(/^You may not capture packets on this machine yet: .*\/dumpcap runs, but may not capture for users other than root: give that file the capture capabilities with `sudo setcap cap_net_raw,cap_net_admin\+eip .*\/dumpcap`/) } })
    // An export file from an earlier capture is left as it was.
    const earlier = path.join(tempDir(), 'earlier.pcapng')
    fs.writeFileSync(earlier, 'an earlier capture')
    const c = capture({ ports: [await freePort()], search, pcapngPath: earlier })
    const err = await c.start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CaptureUnavailableError)
    expect((err as CaptureUnavailableError).problem).toEqual(check.ok ? null : check.problem)
    expect(c.running).toBe(false)
    expect(fs.readFileSync(earlier, 'utf8')).toBe('an earlier capture')
  })

  it('the tools are not in the folder SOCKLAB_WIRESHARK names', async () => {
    const dir = tempDir()
    const search = { ...hostSearch(), env: { ...process.env, SOCKLAB_WIRESHARK: dir } }
    const check = await checkCapture(search)
    expect(check.ok ? check : { ...check, problem: { kind: check.problem.kind, message: problemEnglish(check.problem) } }).toEqual({ ok: false, problem: { kind: 'missing-tools', message: `Packet capture needs dumpcap and tshark, which are not in ${dir} (the folder SOCKLAB_WIRESHARK names): point it at Wireshark's folder, or unset it to search PATH.` } })
    await expect(capture({ ports: [12000], search }).start()).rejects.toThrow(/^Packet capture needs dumpcap and tshark, which are not in/)
  })
})

describe('finding the tools on each OS', () => {
  const on = (platform: NodeJS.Platform, files: string[], env: Record<string, string> = {}): ReturnType<typeof findCaptureTools> =>
    findCaptureTools({ platform, env, isExecutable: (f) => files.includes(f) })

  it('on PATH first, then where the installers put them', () => {
    expect(on('linux', ['/opt/ws/dumpcap', '/opt/ws/tshark', '/usr/bin/dumpcap', '/usr/bin/tshark'], { PATH: '/opt/ws:/bin' })).toEqual({ found: true, tools: { dumpcap: '/opt/ws/dumpcap', tshark: '/opt/ws/tshark' } })
    expect(on('linux', ['/usr/bin/dumpcap', '/usr/bin/tshark'], { PATH: '' })).toEqual({ found: true, tools: { dumpcap: '/usr/bin/dumpcap', tshark: '/usr/bin/tshark' } })
    const mac = '/Applications/Wireshark.app/Contents/MacOS'
    expect(on('darwin', [`${mac}/dumpcap`, `${mac}/tshark`], { PATH: '/usr/bin:/bin' })).toEqual({ found: true, tools: { dumpcap: `${mac}/dumpcap`, tshark: `${mac}/tshark` } })
    const win = 'C:\\Program Files\\Wireshark'
    expect(on('win32', [`${win}\\dumpcap.exe`, `${win}\\tshark.exe`], { Path: 'C:\\Windows;C:\\Windows\\System32', ProgramFiles: 'C:\\Program Files' })).toEqual({
      found: true,
      tools: { dumpcap: `${win}\\dumpcap.exe`, tshark: `${win}\\tshark.exe` }
    })
  })

  it('says which tool is missing and where it looked', () => {
    expect(on('linux', ['/usr/bin/dumpcap'], { PATH: '/bin' })).toEqual({ found: false, missing: ['tshark'], searched: ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/snap/bin'] })
    expect(on('win32', [], { ProgramFiles: 'D:\\Apps' })).toMatchObject({ found: false, missing: ['dumpcap', 'tshark'], searched: ['D:\\Apps\\Wireshark', 'C:\\Program Files\\Wireshark'] })
  })
})
