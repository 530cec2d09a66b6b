// `socklab watch` on the course's own Python programs, exchanging on a port socklab did not open,
// IPv4 and IPv6, TCP and UDP; the pcapng export; a pipe that closes; capture that is impossible.

import { execFile, execFileSync } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { captureSkipReason, packetCount, sleep, tcpExchange, udpExchange, unprivilegedSkipReason } from './helpers/capture'
import { freePort, langEnv, python, runSocklab, socklab, SOCKLAB, start, type Running } from './helpers/processes'

const skip = await captureSkipReason()
const running: Running[] = []
const keep = (p: Running): Running => (running.push(p), p)
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }))
})
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-watch-'))
  dirs.push(d)
  return d
}

/** Waits until `pattern` is in what the process printed on `stream` (tshark takes a second to start). */
async function waitForOutput(p: Running, pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', ms = 20_000): Promise<string> {
  const end = Date.now() + ms
  for (;;) {
    const text = p[stream]()
    if (pattern.test(text)) return text
    if (Date.now() > end || p.child.exitCode !== null) throw new Error(`no ${pattern} on ${stream}:\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`)
    await sleep(25)
  }
}

/** Starts `socklab watch` and resolves once it captures. */
async function watch(args: string[]): Promise<Running> {
  const w = keep(socklab(['watch', ...args]))
  await waitForOutput(w, /^Watching /m, 'stderr')
  return w
}

interface Line {
  src: string
  dst: string
  proto: string
  flags: string
  seq?: number
  ack?: number
  len: number
  label: string
}

/** A line of `socklab watch` back into its fields. */
function parseLine(line: string): Line {
  const m = /^\s*\d+\.\d{6}\s+(\S+) → (\S+)\s+(TCP|UDP)\s+([A-Z-]*)\s*(?:seq=(\d+))?\s*(?:ack=(\d+))?\s*(?:win=\d+)?\s*len=(\d+)\s*(.*)$/.exec(line)
  if (!m) throw new Error(`not a packet line: <${line}>`)
  return { src: m[1], dst: m[2], proto: m[3], flags: m[4], seq: m[5] ? Number(m[5]) : undefined, ack: m[6] ? Number(m[6]) : undefined, len: Number(m[7]), label: m[8] }
}
const linesOf = (p: Running): Line[] => p.stdout().split('\n').filter(Boolean).map(parseLine)

const families = [
  ['IPv4', '127.0.0.1', '127.0.0.1', []],
  ['IPv6', '::1', '[::1]', ['-6']]
] as const

// tshark takes a second or more to start, and more on a loaded machine.
describe.skipIf(skip)('socklab watch, the course programs on a port socklab did not open', { timeout: 60_000 }, () => {
  it.each(families)('TCP over %s: SYN, SYN-ACK, ACK, the data each way and a FIN from each side, until Ctrl-C', async (_f, host, shown, six) => {
    const port = await freePort(host)
    const w = await watch(['-p', String(port), ...six])
    const server = keep(python('tcp_server.py', ['-a', host, '-p', String(port)]))
    await server.waitFor(/Server waiting on/)
    const client = python('tcp_client.py', ['-a', host, '-p', String(port)], 'hello world\n')
    expect(await client.exited).toBe(0)
    expect(client.stdout()).toContain('Received reply <HELLO WORLD>')
    await waitForOutput(w, /last ACK: both sides closed/)
    w.child.kill('SIGINT')
    expect(await w.exited).toBe(0)

    const lines = linesOf(w)
    const c = lines[0].src
    const s = `${shown}:${port}`
    expect(c).toMatch(new RegExp(`^${shown.replace(/[.[\]]/g, '\\$&')}:\\d+$`))
    expect(lines.slice(0, 3)).toEqual([
      { src: c, dst: s, proto: 'TCP', flags: 'SYN', seq: 0, ack: undefined, len: 0, label: 'handshake 1/3' },
      { src: s, dst: c, proto: 'TCP', flags: 'SYN-ACK', seq: 0, ack: 1, len: 0, label: 'handshake 2/3' },
      { src: c, dst: s, proto: 'TCP', flags: 'ACK', seq: 1, ack: 1, len: 0, label: 'handshake 3/3' }
    ])
    expect(lines.filter((l) => l.len > 0)).toEqual([
      expect.objectContaining({ src: c, dst: s, seq: 1, len: 11 }),
      expect.objectContaining({ src: s, dst: c, seq: 1, ack: 12, len: 11 })
    ])
    // Which side's FIN goes first is the race between the server's close() and the client's.
    const fins = lines.filter((l) => l.flags.includes('FIN'))
    expect(fins.map((l) => [l.src, l.label]).sort()).toEqual(
      [
        [c, 'the client closes its side'],
        [s, 'the server closes its side']
      ].sort()
    )
    expect(lines.at(-1)).toMatchObject({ flags: 'ACK', label: 'last ACK: both sides closed' })
    expect(w.stderr()).toContain(`\n${lines.length} packets, 1 TCP connection, 0 UDP exchanges, 0 packets dropped by the capture\n`)
  })

  it.each(families)('UDP over %s: exactly two datagrams; standard input ending ends the watch', async (_f, host, shown, six) => {
    const port = await freePort(host)
    const w = await watch(['-p', String(port), ...six])
    const server = keep(python('udp_server.py', ['-a', host, '-p', String(port)]))
    await server.waitFor(/Server waiting on/)
    const client = python('udp_client.py', ['-a', host, '-p', String(port)], 'hello world\n')
    expect(await client.exited).toBe(0)
    await waitForOutput(w, /UDP[^\n]*\n[^\n]*UDP/)
    await sleep(500)
    w.child.stdin!.end()
    expect(await w.exited).toBe(0)
    const lines = linesOf(w)
    const s = `${shown}:${port}`
    expect(lines).toEqual([
      { src: expect.stringMatching(/:\d+$/), dst: s, proto: 'UDP', flags: '', seq: undefined, ack: undefined, len: 11, label: '' },
      { src: s, dst: lines[0].src, proto: 'UDP', flags: '', seq: undefined, ack: undefined, len: 11, label: '' }
    ])
    expect(w.stderr()).toMatch(/\n2 packets, 0 TCP connections, 1 UDP exchange, 0 packets dropped by the capture\n$/)
  })

  it('says at once that the capture is starting, and "Watching" only once it captures: a UDP datagram and a TCP exchange sent right after that line all show', async () => {
    const port = await freePort()
    const w = keep(socklab(['watch', '-p', String(port)]))
    // Polled tightly: the exchange starts within milliseconds of the line.
    const end = Date.now() + 20_000
    while (!/^Watching /m.test(w.stderr())) {
      if (Date.now() > end || w.child.exitCode !== null) throw new Error(`no Watching line:\n${w.stderr()}`)
      await sleep(2)
    }
    const udp = await udpExchange('127.0.0.1', port)
    const tcp = await tcpExchange('127.0.0.1', port)
    await waitForOutput(w, /last ACK: both sides closed/)
    w.child.kill('SIGINT')
    expect(await w.exited).toBe(0)
    expect(w.stderr().split('\n').slice(0, 2)).toEqual([
      'Starting the capture on lo…',
      `Watching port ${port} (TCP and UDP, IPv4 and IPv6) on the loopback interface lo; Ctrl-C stops.`
    ])
    const lines = linesOf(w)
    const [c, u, s] = [`127.0.0.1:${tcp.clientPort}`, `127.0.0.1:${udp.clientPort}`, `127.0.0.1:${port}`]
    expect(lines.slice(0, 2)).toEqual([
      expect.objectContaining({ src: u, dst: s, proto: 'UDP', len: 4 }),
      expect.objectContaining({ src: s, dst: u, proto: 'UDP', len: 5 })
    ])
    expect(lines.slice(2, 5).map((l) => [l.src, l.flags, l.label])).toEqual([
      [c, 'SYN', 'handshake 1/3'],
      [s, 'SYN-ACK', 'handshake 2/3'],
      [c, 'ACK', 'handshake 3/3']
    ])
    expect(lines.filter((l) => l.len > 0 && l.proto === 'TCP').map((l) => [l.src, l.len])).toEqual([
      [c, 5],
      [s, 12]
    ])
    expect(w.stderr()).toContain(`\n${lines.length} packets, 1 TCP connection, 1 UDP exchange, 0 packets dropped by the capture\n`)
  })

  it('-6 leaves IPv4 out; several -p watch several ports', async () => {
    const [a, b] = [await freePort('::1'), await freePort('::1')]
    const w = await watch(['-p', String(a), '-p', String(b), '-6'])
    expect(w.stderr()).toContain(`Watching ports ${a}, ${b} (TCP and UDP, IPv6)`)
    for (const [host, port] of [['127.0.0.1', a], ['::1', a], ['::1', b]] as const) {
      const server = keep(python('udp_server.py', ['-a', host, '-p', String(port)]))
      await server.waitFor(/Server waiting on/)
      expect(await python('udp_client.py', ['-a', host, '-p', String(port)], 'x\n').exited).toBe(0)
    }
    await waitForOutput(w, new RegExp(`\\[::1\\]:${b} → `))
    await sleep(500)
    w.child.kill('SIGINT')
    await w.exited
    const lines = linesOf(w)
    expect(lines).toHaveLength(4)
    expect(lines.every((l) => l.src.startsWith('[::1]:'))).toBe(true)
  })

  it('-w writes a pcapng that tshark reads back with the same packet count', async () => {
    const port = await freePort()
    const file = path.join(tempDir(), 'course.pcapng')
    const w = await watch(['-p', String(port), '-w', file])
    const server = keep(python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)]))
    await server.waitFor(/Server waiting on/)
    expect(await python('tcp_client.py', ['-a', '127.0.0.1', '-p', String(port)], 'hello world\n').exited).toBe(0)
    await waitForOutput(w, /last ACK/)
    w.child.kill('SIGINT')
    expect(await w.exited).toBe(0)
    const shown = linesOf(w).length
    expect(shown).toBeGreaterThanOrEqual(10)
    expect(await packetCount(file)).toBe(shown)
    expect(w.stderr()).toContain(`Saved to ${file} (Wireshark opens it)`)
  })

  it('-w onto a full device: one sentence at once, the packets still show, exit status 1, no "Saved to"', async () => {
    const port = await freePort()
    const w = await watch(['-p', String(port), '-w', '/dev/full'])
    // At once: before any packet, not at the end.
    const saveError = 'ERROR: cannot save to /dev/full: its disk is full; the packets still show here, but are no longer saved\n'
    await waitForOutput(w, /^ERROR: /m, 'stderr', 5000)
    await udpExchange('127.0.0.1', port)
    await waitForOutput(w, /UDP.*\n.*UDP/)
    w.child.kill('SIGINT')
    expect(await w.exited).toBe(1)
    expect(linesOf(w)).toHaveLength(2)
    expect(w.stderr().match(/^ERROR: .*$/gm)).toEqual([saveError.trim()])
    expect(w.stderr()).not.toContain('Saved to')
  })

  it.skipIf(process.getuid?.() !== 0)('-w onto a disk that fills during the run: said when it happens, and the packets after it still show', async () => {
    const port = await freePort()
    const disk = tempDir()
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk])
    let w: Running | undefined
    try {
      const file = path.join(disk, 'run.pcapng')
      w = await watch(['-p', String(port), '-w', file])
      const sock = dgram.createSocket('udp4')
      const big = Buffer.alloc(1200, 'x')
      let sent = 0
      // About 1.3 kB a packet in the file: 64 kB fill within 60 packets.
      while (!/^ERROR: /m.test(w.stderr()) && sent < 400) {
        await new Promise<void>((resolve) => sock.send(big, port, '127.0.0.1', () => resolve()))
        sent++
        await sleep(10)
      }
      expect(w.stderr()).toContain(`ERROR: cannot save to ${file}: its disk is full; the packets still show here, but are no longer saved\n`)
      // Still watching: more packets, shown.
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => sock.send(big, port, '127.0.0.1', () => resolve()))
      sent += 5
      sock.close()
      for (let i = 0; i < 400 && w.stdout().split('\n').filter(Boolean).length < sent; i++) await sleep(25)
      w.child.kill('SIGINT')
      expect(await w.exited).toBe(1)
      expect(linesOf(w)).toHaveLength(sent)
      expect(w.stderr()).not.toContain('Saved to')
    } finally {
      // Its file open keeps the disk busy.
      if (w && w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL')
      await w?.exited
      execFileSync('umount', [disk])
    }
  })

  it('-w onto an existing file: refused without --force (which replaces it)', async () => {
    const file = path.join(tempDir(), 'earlier.pcapng')
    fs.writeFileSync(file, 'an earlier capture')
    const refused = await runSocklab(['watch', '-p', '9', '-w', file])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe(`ERROR: ${file} already exists: add --force to replace it, or name another file\n`)
    expect(fs.readFileSync(file, 'utf8')).toBe('an earlier capture')
    const port = await freePort()
    const w = await watch(['-p', String(port), '-w', file, '--force'])
    await udpExchange('127.0.0.1', port)
    await waitForOutput(w, /UDP.*\n.*UDP/)
    w.child.kill('SIGINT')
    expect(await w.exited).toBe(0)
    expect(await packetCount(file)).toBe(2)
    expect(w.stderr()).toContain(`Saved to ${file} (Wireshark opens it)`)
  })

  it('through a pipe: `| head -n 3` ends it quietly, with no EPIPE and no stack trace', async () => {
    const port = await freePort()
    const sh = keep(start('sh', ['-c', `"${process.execPath}" "${SOCKLAB}" watch -p ${port} | head -n 3`]))
    await waitForOutput(sh, /^Watching /m, 'stderr')
    const server = keep(python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)]))
    await server.waitFor(/Server waiting on/)
    // head has its three lines after the first exchange; watch learns that the pipe is closed at its
    // next write, as tcpdump would. On a loaded machine head may still be reading when the second
    // exchange is printed, so exchanges go on (a few, for 15 s at most) until watch has ended.
    const ended = sh.exited.then(() => true)
    const until = Date.now() + 15_000
    for (let i = 0; i < 8 && Date.now() < until && !(await Promise.race([ended, sleep(1000).then(() => false)])); i++) {
      expect(await python('tcp_client.py', ['-a', '127.0.0.1', '-p', String(port)], 'hi\n').exited).toBe(0)
    }
    const code = await Promise.race([sh.exited, sleep(Math.max(0, until - Date.now())).then(() => 'still running')])
    expect(code).toBe(0)
    expect(sh.stdout().split('\n').filter(Boolean)).toHaveLength(3)
    expect(sh.stderr()).not.toMatch(/EPIPE|Error|\n\s+at /)
  })
})

const noUnprivilegedRun = skip ?? unprivilegedSkipReason('socklab')
if (noUnprivilegedRun) console.warn(`watch permission test skipped: ${noUnprivilegedRun}`)

describe('socklab watch when capture is impossible, and bad input', () => {
  it.skipIf(noUnprivilegedRun)('a user who may not capture: one sentence with the remedy, exit status 3 (not 2, a usage error), nothing run as root', async () => {
    const home = tempDir()
    fs.chmodSync(home, 0o777)
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = start('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'env', `HOME=${home}`, process.execPath, SOCKLAB, 'watch', '-p', '12000'])
      void p.exited.then((code) => resolve({ code, stdout: p.stdout(), stderr: p.stderr() }))
    })
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^Starting the capture on lo…\nERROR: You may not capture packets on this machine yet: dumpcap is installed and runs, but may not capture for users other than root: run `sudo dpkg-reconfigure wireshark-common` \(answer Yes\), then `sudo usermod -aG wireshark nobody`, and log out and in again \(socklab never runs as root itself\)\.\n$/)
  })

  it('the tools are missing: one sentence, exit status 3 (not 2, a usage error)', async () => {
    const empty = tempDir()
    const out = await runWithEnv([SOCKLAB, 'watch', '-p', '12000'], { ...langEnv('en'), SOCKLAB_WIRESHARK: empty })
    expect(out.status).toBe(3)
    expect(out.stderr).toBe(`Starting the capture on lo…\nERROR: Packet capture needs dumpcap and tshark, which are not in ${empty} (the folder SOCKLAB_WIRESHARK names): point it at Wireshark's folder, or unset it to search PATH.\n`)
  })

  it.each([
    [['-p', '0'], 'ERROR: -p must be a port number in 1..65535, not <0>'],
    [['-p', 'abc'], 'ERROR: -p must be a port number in 1..65535, not <abc>'],
    [['-4', '-6'], 'ERROR: -4 and -6 together: leave both out to watch IPv4 and IPv6'],
    [['-w', 'capture.txt'], 'ERROR: -w names a .pcapng file (Wireshark opens it), not <capture.txt>'],
    [['--bogus'], "ERROR: unknown option '--bogus'"]
  ])('socklab watch %j', async (args, message) => {
    const r = await runSocklab(['watch', ...args])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`${message}\n`)
  })

  it('-h explains it', async () => {
    const r = await runSocklab(['watch', '-h'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: socklab watch \[-p PORT\]\.\.\. \[-4 \| -6\] \[-w FILE\.pcapng \[--force\]\]/)
  })
})

/** socklab with its own environment, to its end. */
function runWithEnv(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, encoding: 'utf8', timeout: 15_000 }, (err, _stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr }))
  })
}
