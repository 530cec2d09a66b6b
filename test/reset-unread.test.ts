// Closing with bytes unread resets the connection: the course's programs make one recv(N) and
// close, and the kernel answers that close() with RST when the peer sent more than N. socklab's
// endpoints must do the same on the wire (checked with a real capture against the course's own
// Python server), say so in their close event (who, how many unread, "at least" where the kernel
// may hold more) and label the RST with why; a RST answering a SYN says nobody listens.

import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConversationTracker } from '../src/engine/capture/conversation-tracker'
import { parseFieldLine } from '../src/engine/capture/tshark-fields'
import { Lab } from '../src/engine/lab'
import { createLabHandlers } from '../src/session/handlers'
import { LabCapture } from '../src/session/lab-capture'
import type { LabHandlers } from '../src/shared/contract'
import type { LabEvent, LabEventOf } from '../src/shared/events'
import { stepWords, type WirePacket } from '../src/shared/wire'
import { createI18n } from '../src/shared/i18n/i18n'

const en = createI18n('en').t
const it_ = createI18n('it').t
import { captureSkipReason, fieldLines, record, removeFixture, sleep } from './helpers/capture'
import { freePort, python, type Running } from './helpers/processes'
import { words } from './helpers/words'

const skip = await captureSkipReason()

let lab: Lab | undefined
let capture: LabCapture | undefined
let handlers: LabHandlers
const running: Running[] = []
const cleanups: (() => void)[] = []

afterEach(async () => {
  await Promise.all([lab?.stopAll(), capture?.dispose(), ...running.splice(0).map((p) => p.stop())])
  lab = capture = undefined
  cleanups.splice(0).forEach((f) => f())
})

function boot(): { packets: WirePacket[]; events: LabEvent[] } {
  lab = new Lab()
  capture = new LabCapture(lab)
  handlers = createLabHandlers(lab, { host: 'browser', version: 'test', sampleSite: '/nowhere', exportPcapng: async () => ({ kind: 'cancelled' }) }, capture)
  const packets: WirePacket[] = []
  const events: LabEvent[] = []
  capture.on('packets', (b) => packets.push(...b))
  lab.on('event', (e) => events.push(e))
  return { packets, events }
}

async function until(check: () => boolean, what: string, ms = 25_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`)
    await sleep(20)
  }
}

/** A client that sends `bytes` at once and reads until the connection ends (by FIN or RST); its own port. */
function sendMany(port: number, bytes: number): Promise<number> {
  return new Promise((resolve) => {
    const client = net.connect({ host: '127.0.0.1', port }, () => client.write(Buffer.alloc(bytes, 'a')))
    let local = 0
    client.once('connect', () => (local = client.localPort ?? 0))
    client.on('error', () => {})
    client.resume()
    client.once('close', () => resolve(local))
  })
}

/** The packets of a real capture of `exchange`, labelled by the tracker as the engine labels them. */
async function captured(port: number, exchange: () => Promise<unknown>): Promise<WirePacket[]> {
  const file = await record([port], async () => void (await exchange()))
  cleanups.push(() => removeFixture(file))
  const packets = (await fieldLines(file)).map(parseFieldLine).filter((p): p is WirePacket => p !== null)
  const tracker = new ConversationTracker([port])
  packets.forEach((p) => tracker.track(p))
  return packets
}

const resets = (packets: WirePacket[]): WirePacket[] => packets.filter((p) => p.flags.includes('RST'))
const closes = (events: LabEvent[], role: 'client' | 'server'): LabEventOf<'close'>[] =>
  events.filter((e): e is LabEventOf<'close'> => e.kind === 'close' && e.role === role && e.conn > 0)

describe.skipIf(skip)('closing with bytes unread resets the connection (real capture)', { timeout: 60_000 }, () => {
  it("the course's Python server, sent 3,000 bytes, reads 1,024 and its close() sends RST", async () => {
    const port = await freePort()
    const server = python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
    running.push(server)
    await server.waitFor(/Server waiting on/)
    const packets = await captured(port, () => sendMany(port, 3000))
    expect(resets(packets).map((p) => p.sender)).toEqual(['server'])
    expect(packets.some((p) => p.flags.includes('FIN') && p.sender === 'server')).toBe(false)
    // No lab close() to tell how much it read: the wire says what the packets show, and no more.
    const [rst] = resets(packets)
    expect(rst.reset).toEqual({ why: 'after-data', by: 'server', received: 3000 })
    expect(stepWords(en, rst)).toBe('reset: the server aborted, or closed with bytes unread')
  })

  it('socklab\'s TCP server does the same: RST, not FIN; its close says "at least 1,976 unread", and the wire says why', async () => {
    const { packets, events } = boot()
    const port = await freePort()
    await handlers.startCapture()
    await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    await until(() => capture!.status().state === 'on' && capture!.status().ports.includes(port), 'the capture on the port', 30_000)
    const clientPort = await sendMany(port, 3000)
    await until(() => resets(packets).length > 0 && closes(events, 'server').length > 0, 'the reset')
    await sleep(300)
    const rst = resets(packets)
    expect(rst.map((p) => [p.sender, p.src.port, p.dst.port])).toEqual([['server', port, clientPort]])
    expect(packets.some((p) => p.flags.includes('FIN') && p.sender === 'server')).toBe(false)
    // Node read the 3,000 bytes as one chunk: 1,976 are known unread; the kernel might hold more.
    const [close] = closes(events, 'server')
    expect(close.detail).toEqual({ closedBy: 'server', reason: 'served', reset: { unread: 1976, atLeast: true } })
    expect(words(close)).toBe('the server closed the connection; reset (RST): at least 1,976 bytes were left unread, and closing with unread bytes resets the connection')
    expect(rst[0].reset).toEqual({ why: 'unread', by: 'server', unread: 1976, atLeast: true })
    expect(stepWords(en, rst[0])).toBe('reset: the server closed with at least 1,976 bytes unread')
    // In Italian, the number grouped as Italian writes it.
    expect(stepWords(it_, rst[0])).toBe('reset: il server ha chiuso con almeno 1.976 byte non letti')
  })

  it('socklab\'s TCP client with recv(4) against the course\'s server: the 7 bytes of reply it leaves unread make its close a RST', async () => {
    const { packets, events } = boot()
    const port = await freePort()
    const server = python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
    running.push(server)
    await server.waitFor(/Server waiting on/)
    await handlers.startCapture()
    const client = await handlers.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 4, timeoutMs: 5000 })
    expect(await handlers.send(client.id, 'hello world')).toMatchObject({ reply: 'HELL', length: 4 })
    await until(() => resets(packets).length > 0, 'the reset')
    await sleep(300)
    const rst = resets(packets)
    expect(rst.map((p) => p.sender)).toEqual(['client'])
    expect(packets.some((p) => p.flags.includes('FIN') && p.sender === 'client')).toBe(false)
    const recv = events.find((e): e is LabEventOf<'recv'> => e.kind === 'recv' && e.role === 'client')!
    expect(recv.detail).toMatchObject({ what: 'stream', recvSize: 4, leftover: 7 })
    const [close] = closes(events, 'client')
    // Whether the server's FIN was read before the close decides whether 7 is exact: both are true.
    expect(close.detail.reset).toEqual({ unread: 7, atLeast: expect.any(Boolean) })
    expect(rst[0].reset).toEqual({ why: 'unread', by: 'client', unread: 7, atLeast: close.detail.reset!.atLeast })
    expect(stepWords(en, rst[0])).toMatch(/^reset: the client closed with (at least )?7 bytes unread$/)
  })

  it('the HTTP client\'s single recv(1500) leaves the rest of a 10,000-byte page unread: RST from the client; a whole read ends with FIN', async () => {
    const { packets, events } = boot()
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-reset-'))
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }))
    fs.writeFileSync(path.join(root, 'page.txt'), 'x'.repeat(10_000))
    const port = await freePort()
    await handlers.startCapture()
    await handlers.start({ kind: 'http-server', address: '127.0.0.1', port, root })
    const once = await handlers.start({ kind: 'http-client', recvOnce: true, family: 'IPv4' })
    await handlers.send(once.id, `http://127.0.0.1:${port}/page.txt`)
    await until(() => resets(packets).length > 0, 'the reset')
    await sleep(300)
    const rst = resets(packets)
    expect(rst.map((p) => p.sender)).toEqual(['client'])
    const [close] = closes(events, 'client')
    expect(close.detail).toMatchObject({ closedBy: 'client', reason: 'client-one-recv', reset: { atLeast: true } })
    const unread = close.detail.reset!.unread
    // Whatever Node had read beyond the 1,500 bytes: at most the rest of the reply (a head of a few hundred bytes, and 10,000).
    expect(unread).toBeGreaterThan(0)
    expect(unread).toBeLessThanOrEqual(10_000 + 1000 - 1500)
    expect(rst[0].reset).toEqual({ why: 'unread', by: 'client', unread, atLeast: true })

    // Reading until the server closes leaves nothing: both sides close with FIN, no reset.
    const before = packets.length
    const whole = await handlers.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await handlers.send(whole.id, `http://127.0.0.1:${port}/page.txt`)
    await until(() => packets.slice(before).filter((p) => p.flags.includes('FIN')).length === 2, 'both FINs')
    await sleep(300)
    expect(resets(packets.slice(before))).toEqual([])
    expect(closes(events, 'client').at(-1)!.detail.reset).toBeUndefined()
  })

  it('Cancel while a 20 MB reply still comes: the client\'s RST says it was cancelled', async () => {
    const { packets, events } = boot()
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-reset-'))
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }))
    fs.writeFileSync(path.join(root, 'big.bin'), Buffer.alloc(20 * 1024 * 1024))
    const port = await freePort()
    await handlers.startCapture()
    await handlers.start({ kind: 'http-server', address: '127.0.0.1', port, root })
    const client = await handlers.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const fetching = Promise.resolve(handlers.send(client.id, `http://127.0.0.1:${port}/big.bin`)).catch((e: Error) => e)
    await until(() => events.some((e) => e.kind === 'recv' && e.endpoint === client.id), 'the first read of the reply')
    await handlers.stop(client.id)
    expect(await fetching).toBeInstanceOf(Error)
    const close = closes(events, 'client').at(-1)!
    expect(close.detail).toMatchObject({ closedBy: 'client', reason: 'client-stopped' })
    await until(() => resets(packets).some((p) => p.sender === 'client'), 'the client\'s reset')
    const rst = resets(packets).filter((p) => p.sender === 'client')
    expect(rst[0].src.port).toBe(close.local!.port)
    expect(rst[0].reset).toEqual({ why: 'cancelled', by: 'client' })
    expect(stepWords(en, rst[0])).toBe('reset: the client was cancelled while the reply still came')
  })

  it('a SYN to a port nobody listens on: the RST says so', async () => {
    const port = await freePort()
    const packets = await captured(port, () => new Promise<void>((resolve) => net.connect({ host: '127.0.0.1', port }).once('error', () => resolve())))
    const [rst] = resets(packets)
    expect(rst).toMatchObject({ sender: 'server', step: 'reset', reset: { why: 'refused' } })
    expect(stepWords(en, rst)).toBe('reset: nobody listens on that port (the kernel answers the SYN with RST)')
    expect(stepWords(it_, rst)).toBe('reset: nessuno ascolta su quella porta (il kernel risponde al SYN con RST)')
  })
})
