// The hosts' capture of the lab: it follows the lab's ports (a port is captured before an endpoint
// uses it), numbers the packets of successive captures as one, joins their pcapng files into one
// export that tshark reads, reads the kernel's TCP states, and explains itself when it cannot run.
// Capture tests get generous time: starting tshark takes seconds on a loaded machine.

import { execFileSync } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { createLabHandlers } from '../src/session/handlers'
import { LabCapture } from '../src/session/lab-capture'
import { wholeBlocks } from '../src/session/pcapng-file'
import { hostSearch } from '../src/engine/capture/tools'
import { problemEnglish } from '../src/engine/capture/capture-problem'
import { Lab } from '../src/engine/lab'
import type { LabHandlers } from '../src/shared/contract'
import type { WirePacket } from '../src/shared/wire'
import { captureSkipReason, sleep } from './helpers/capture'
import { freePort } from './helpers/processes'
import { words } from './helpers/words'

const skip = await captureSkipReason()

let lab: Lab
let capture: LabCapture
let handlers: LabHandlers
const dirs: string[] = []

afterEach(async () => {
  await Promise.all([lab?.stopAll(), capture?.dispose()])
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }))
})

function boot(search = hostSearch()): WirePacket[] {
  lab = new Lab()
  capture = new LabCapture(lab, { search })
  handlers = createLabHandlers(lab, { host: 'browser', version: 'test', sampleSite: '/nowhere', exportPcapng: async () => ({ kind: 'cancelled' }) }, capture)
  const got: WirePacket[] = []
  capture.on('packets', (b) => got.push(...b))
  return got
}

async function until(check: () => boolean, what: string, ms = 25_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`)
    await sleep(20)
  }
}

/** A client of the course's TCP server: connects, sends, reads the reply until the server closes; its own port. */
function clientOf(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = net.connect({ host, port }, () => client.write('hello'))
    let local = 0
    client.once('connect', () => (local = client.localPort ?? 0))
    client.on('error', reject)
    client.resume()
    client.once('close', () => resolve(local))
  })
}

function tempFile(name: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-lab-capture-'))
  dirs.push(d)
  return path.join(d, name)
}

describe.skipIf(skip)('the lab capture (real dumpcap and tshark)', () => {
  it('captures a port before a client uses it, follows a new port with a restart, and numbers both captures as one', async () => {
    const got = boot()
    const [tcpPort, udpPort] = [await freePort(), await freePort()]
    expect(await handlers.startCapture()).toMatchObject({ state: 'on', ports: [] })
    await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port: tcpPort, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    // The server is not held up; its client's first send is, until the capture has the port.
    const tcpClient = await handlers.start({ kind: 'tcp-client', address: '127.0.0.1', port: tcpPort, recvSize: 1024, timeoutMs: 5000 })
    await handlers.send(tcpClient.id, 'hello')
    expect(capture.status()).toMatchObject({ state: 'on', ports: [tcpPort] })
    await until(() => got.filter((p) => p.flags.includes('FIN')).length === 2, 'both FINs')
    // The handshake came first: the port was captured before the client connected.
    expect(got.slice(0, 3).map((p) => p.step)).toEqual(['handshake-1', 'handshake-2', 'handshake-3'])
    const first = got.length

    // A UDP server on a new port: the capture restarts on both ports before its client sends.
    await handlers.start({ kind: 'udp-server', address: '127.0.0.1', port: udpPort, recvSize: 2048 })
    const udpClient = await handlers.start({ kind: 'udp-client', address: '127.0.0.1', port: udpPort, recvSize: 2048, timeoutMs: 5000 })
    await handlers.send(udpClient.id, 'ping')
    expect(capture.status().ports).toEqual([tcpPort, udpPort].sort((a, b) => a - b))
    await until(() => got.length === first + 2, 'the two datagrams')
    const udp = got.slice(first)
    expect(udp.map((p) => [p.proto, p.sender])).toEqual([
      ['UDP', 'client'],
      ['UDP', 'server']
    ])
    // Numbered after the first capture's packets, not from 1 again.
    expect(udp.map((p) => p.no)).toEqual([first + 1, first + 2])
    expect(new Set(got.map((p) => p.conversation))).toEqual(new Set(['TCP 0', 'UDP 0']))
    expect(capture.history().map((p) => p.no)).toEqual(got.map((p) => p.no))

    // One export of both captures, as sections of one pcapng: tshark reads every packet, in order.
    const file = tempFile('lab.pcapng')
    await pipeline(capture.pcapng()!, fs.createWriteStream(file))
    const frames = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'udp.length'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
    expect(frames.length).toBe(got.length)
    expect(frames.at(-1)).toBe(`${got.length}\t12`)
    const stopped = await handlers.stopCapture()
    expect(stopped).toMatchObject({ state: 'off', packets: got.length, dropped: 0 })
  }, 60_000)

  it('a new port overlaps the old capture with the new one: exchanges on the old port across the restart show once each, "starting" only at first, and the first connection on the new port is whole', async () => {
    const got = boot()
    const [a, b] = [await freePort(), await freePort()]
    const states: string[] = []
    const sockets: dgram.Socket[] = []
    const watchStates = setInterval(() => {
      const s = capture.status().state
      if (states.at(-1) !== s) states.push(s)
    }, 2)
    try {
      await handlers.startCapture()
      await handlers.start({ kind: 'udp-server', address: '127.0.0.1', port: a, recvSize: 2048 })
      await until(() => capture.status().state === 'on' && capture.status().ports.includes(a), 'the capture on port A', 30_000)
      /** One request and its reply on A, from a socket of its own, kept open to the end so that its port names the exchange. */
      const exchangeOnA = async (): Promise<number> => {
        const client = dgram.createSocket('udp4')
        sockets.push(client)
        await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve))
        const port = client.address().port
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no reply from the server on A')), 5000)
          client.once('message', () => (clearTimeout(timer), resolve()))
          client.send('ping', a, '127.0.0.1')
        })
        return port
      }
      const clients = [await exchangeOnA()]
      await until(() => got.length >= 2, 'the first exchange on A')

      // A TCP server on B: a new capture starts on A and B while the one on A goes on.
      await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port: b, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
      const end = Date.now() + 40_000
      while (!capture.status().ports.includes(b)) {
        if (Date.now() > end) throw new Error(`the capture never took in port B: ${states.join(', ')}`)
        clients.push(await exchangeOnA())
        await sleep(10)
      }
      // Once it says so, a connection on B at once, while A goes on being exchanged on.
      const tcp = clientOf('127.0.0.1', b)
      for (let i = 0; i < 40; i++) {
        clients.push(await exchangeOnA())
        await sleep(25)
      }
      const clientPort = await tcp
      const onAOf = (): WirePacket[] => got.filter((p) => p.dst.port === a || p.src.port === a)
      const lastAckOnB = (): boolean => got.some((p) => p.step === 'last-ack' && (p.src.port === b || p.dst.port === b))
      await until(() => onAOf().length >= 2 * clients.length && lastAckOnB(), 'every packet', 40_000).catch((err: Error) => {
        const missing = clients.filter((c) => onAOf().filter((p) => p.src.port === c || p.dst.port === c).length !== 2).map((c) => `${c}:${onAOf().filter((p) => p.src.port === c || p.dst.port === c).length}`)
        throw new Error(`${err.message}: ${onAOf().length} of ${2 * clients.length} packets on A (exchanges from ${missing.join(', ') || 'none'} not whole), last ACK on B: ${lastAckOnB()}; ${JSON.stringify(capture.status())}`)
      })
      await sleep(1500)

      const onA = onAOf()
      const perClient = new Map(clients.map((c) => [c, onA.filter((p) => p.src.port === c || p.dst.port === c).map((p) => p.sender)]))
      for (const [c, senders] of perClient) expect(senders, `the exchange from port ${c}`).toEqual(['client', 'server'])
      expect(onA).toHaveLength(2 * clients.length)
      const onB = got.filter((p) => p.src.port === clientPort || p.dst.port === clientPort)
      expect(onB.filter((p) => p.step).map((p) => p.step)).toEqual(['handshake-1', 'handshake-2', 'handshake-3', 'server-close', 'client-close', 'last-ack'])
      expect(new Set(onB.map((p) => p.conversation)).size).toBe(1)
      expect(got.map((p) => p.no)).toEqual(got.map((_p, i) => i + 1))
      // The export has each packet once too.
      const file = tempFile('overlap.pcapng')
      await pipeline(capture.pcapng()!, fs.createWriteStream(file))
      const frames = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')
      expect(frames.length).toBe(got.length)
      expect(states.filter((s) => s === 'starting')).toHaveLength(1)
      expect(states.slice(states.indexOf('on'))).toEqual(['on'])
    } finally {
      clearInterval(watchStates)
      sockets.forEach((socket) => socket.close())
    }
  }, 120_000)

  it("a client held until the capture includes its port says so at once in its console, and says nothing when it is not held", async () => {
    boot()
    const lines: { endpoint: string; info: string }[] = []
    lab.on('event', (e) => e.kind === 'console' && lines.push({ endpoint: e.endpoint, info: words(e) }))
    const waitLines = (id: string): string[] => lines.filter((l) => l.endpoint === id && l.info.startsWith('Waiting for the capture')).map((l) => l.info)
    const tcp = { kind: 'tcp-client', address: '127.0.0.1', recvSize: 1024, timeoutMs: 5000 } as const
    const [oldPort, newPort, udpPort] = [await freePort(), await freePort(), await freePort()]
    // Capture off: nothing waits, nothing is said.
    await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port: oldPort, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    const offClient = await handlers.start({ ...tcp, port: oldPort })
    await handlers.send(offClient.id, 'off')
    expect(waitLines(offClient.id)).toEqual([])
    // Capture on, the port already captured: no wait, no line.
    await handlers.startCapture()
    expect(capture.status()).toMatchObject({ state: 'on', ports: [oldPort] })
    const covered = await handlers.start({ ...tcp, port: oldPort })
    await handlers.send(covered.id, 'covered')
    expect(waitLines(covered.id)).toEqual([])
    // A new port: the client's connect is held, and its console says why at once, while it waits.
    await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port: newPort, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    const fresh = await handlers.start({ ...tcp, port: newPort })
    let returned = false
    const connected = Promise.resolve(handlers.connect(fresh.id)).then(() => (returned = true))
    const said = [`Waiting for the capture to include port ${newPort}, so that the handshake shows in the Wire view…`]
    await until(() => waitLines(fresh.id).length > 0, 'the wait line')
    expect(returned).toBe(false)
    await connected
    expect(waitLines(fresh.id)).toEqual(said)
    // Once it is included, the same client's exchanges and a second client on that port wait no more.
    await handlers.send(fresh.id, 'new')
    const second = await handlers.start({ ...tcp, port: newPort })
    await handlers.send(second.id, 'again')
    expect(waitLines(fresh.id)).toEqual(said)
    expect(waitLines(second.id)).toEqual([])
    // A UDP client has no handshake: its first datagram is what it waits to show.
    const udp = await handlers.start({ kind: 'udp-client', address: '127.0.0.1', port: udpPort, recvSize: 2048, timeoutMs: 1000 })
    await expect(handlers.send(udp.id, 'ping')).rejects.toThrow()
    expect(waitLines(udp.id)).toEqual([`Waiting for the capture to include port ${udpPort}, so that the first datagram shows in the Wire view…`])
  }, 90_000)

  it('captures a server on port 0 once it is bound, and shows TIME_WAIT in the kernel state after the server closes first', async () => {
    const got = boot()
    await handlers.startCapture()
    const server = await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port: 0, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    const port = server.local!.port
    await until(() => capture.status().state === 'on' && capture.status().ports.includes(port), 'the capture restarted on the chosen port')
    const before = await handlers.kernelState()
    expect(before).toMatchObject({ exposed: true })
    if (before.exposed && 'sockets' in before) expect(before.sockets.filter((s) => s.state === 'LISTEN').map((s) => s.local.port)).toEqual([port])
    const client = await handlers.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 5000 })
    await handlers.send(client.id, 'hi')
    await until(() => got.some((p) => p.step === 'last-ack'), 'the last ACK')
    const after = await handlers.kernelState()
    // The course's server closes first: its side of the connection waits in TIME_WAIT.
    if (after.exposed && 'sockets' in after) expect(after.sockets.some((s) => s.state === 'TIME_WAIT' && s.local.port === port)).toBe(true)
    if (!before.exposed || !after.exposed) throw new Error('Linux shows the kernel states')
    // A window that holds these rows is told they are unchanged (TIME_WAIT's timer ticks, the row does not change); one that holds older rows gets the new ones.
    expect(await handlers.kernelState(after.version)).toEqual({ exposed: true, unchanged: true, version: after.version })
    expect(await handlers.kernelState(before.version)).toMatchObject({ exposed: true, version: after.version, sockets: expect.any(Array) })
    expect(after.version).toBeGreaterThan(before.version)
  }, 60_000)

  it("another program's TCP connection on the clock probe's (UDP) port number reaches neither the feed nor the export", async () => {
    // TCP and UDP number their ports apart: a browser's connection to the host once took the probe's number.
    const got = boot()
    await handlers.startCapture()
    const server = await handlers.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
    const port = server.local!.port
    await until(() => capture.status().state === 'on' && capture.status().ports.includes(port) && capture.status().labZeroBound !== undefined, 'the capture on the port, its clock measured')
    const probePort = (capture as unknown as { probe: { port: number } }).probe.port
    const stranger = net.createServer((s) => s.end('bye'))
    await new Promise<void>((resolve, reject) => stranger.once('error', reject).listen(probePort, '127.0.0.1', resolve))
    try {
      await clientOf('127.0.0.1', probePort)
    } finally {
      stranger.close()
    }
    // The lab's own exchange after it: once it shows, the stranger's packets had their chance.
    const client = await handlers.start({ kind: 'udp-client', address: '127.0.0.1', port, recvSize: 2048, timeoutMs: 5000 })
    await handlers.send(client.id, 'after')
    await until(() => got.filter((p) => p.proto === 'UDP').length >= 2, "the lab's datagrams")
    expect(got.filter((p) => p.src.port === probePort || p.dst.port === probePort)).toEqual([])
    const file = tempFile('export.pcapng')
    await pipeline(capture.pcapng()!, fs.createWriteStream(file))
    const tcp = execFileSync('tshark', ['-r', file, '-Y', `tcp.port == ${probePort}`, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    expect(tcp).toBe('')
  }, 60_000)
})

describe('the lab capture where capture is impossible', () => {
  it('says why in one sentence, naming the folder SOCKLAB_WIRESHARK points at, and the lab runs on', async () => {
    const empty = path.dirname(tempFile('x'))
    boot({ ...hostSearch(), env: { ...process.env, SOCKLAB_WIRESHARK: empty } })
    const status = await handlers.captureStatus()
    expect(status.state).toBe('unavailable')
    expect(problemEnglish(status.problem!)).toContain(empty)
    expect(await handlers.startCapture()).toMatchObject({ state: 'unavailable' })
    const port = await freePort()
    // Starting an endpoint is not held up by a capture that cannot run.
    await handlers.start({ kind: 'udp-server', address: '127.0.0.1', port, recvSize: 2048 })
    await expect(handlers.exportPcapng()).rejects.toThrow('nothing captured yet')
  })

  it('reads the kernel states only where the OS shows them', async () => {
    boot({ ...hostSearch(), platform: 'darwin' })
    expect(await handlers.kernelState()).toMatchObject({ exposed: false, reason: { key: 'wire:kernel.notExposed', params: { system: 'macOS' } } })
  })
})

describe('pcapng files read while they are written', () => {
  // Two blocks the way pcapng lays them out: a section header (with its byte-order magic) and an empty block.
  const block = (type: number, body: Buffer): Buffer => {
    const b = Buffer.alloc(12 + body.length)
    b.writeUInt32LE(type, 0)
    b.writeUInt32LE(b.length, 4)
    body.copy(b, 8)
    b.writeUInt32LE(b.length, 8 + body.length)
    return b
  }
  const shb = block(0x0a0d0d0a, Buffer.from([0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
  const epb = block(6, Buffer.alloc(20, 1))

  it('keeps whole blocks only: a block still being written is left out', () => {
    const file = Buffer.concat([shb, epb, epb.subarray(0, 10)])
    expect(wholeBlocks(file).length).toBe(shb.length + epb.length)
    expect(wholeBlocks(Buffer.concat([shb, epb])).length).toBe(shb.length + epb.length)
  })
})
