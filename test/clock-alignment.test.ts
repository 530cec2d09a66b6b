// The lab's clock (its events' times) against the capture's (real dumpcap and tshark on loopback):
// the capture measures their alignment and states its bound, and within that bound every socket
// call sits where the program made it: send(), sendto() and close() before the packet they put
// on the wire, connect(), accept(), recv() and recvfrom() after the packet they took in.

import { afterEach, describe, expect, it } from 'vitest'
import { Lab } from '../src/engine/lab'
import { createLabHandlers } from '../src/session/handlers'
import { LabCapture } from '../src/session/lab-capture'
import type { LabEvent } from '../src/shared/events'
import type { WirePacket } from '../src/shared/wire'
import { captureSkipReason, sleep } from './helpers/capture'
import { freePort } from './helpers/processes'

const skip = await captureSkipReason()

/** The stated bound may be no wider than this: a Ladder in µs must not be off by more than a fraction of a ms. */
const MAX_BOUND_US = 500

let lab: Lab | undefined
let capture: LabCapture | undefined

afterEach(async () => {
  await Promise.all([lab?.stopAll(), capture?.dispose()])
})

async function until(check: () => boolean, what: string, ms = 25_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`)
    await sleep(20)
  }
}

const from = (p: WirePacket, port: number): boolean => p.src.port === port
const to = (p: WirePacket, port: number): boolean => p.dst.port === port

describe.skipIf(skip)('the lab clock aligned with the capture clock (real dumpcap and tshark)', () => {
  it('is measured, its bound stated and small, and every call of a TCP and a UDP exchange falls on the right side of its packet within it', async () => {
    lab = new Lab()
    capture = new LabCapture(lab)
    const handlers = createLabHandlers(lab, { host: 'browser', version: 'test', sampleSite: '/nowhere', exportPcapng: async () => ({ kind: 'cancelled' }) }, capture)
    const got: WirePacket[] = []
    capture.on('packets', (b) => got.push(...b))
    const [tcpPort, udpPort] = [await freePort(), await freePort()]
    await handlers.startCapture()
    await handlers.start({ kind: 'tcp-server', address: '127.0.0.1', port: tcpPort, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
    await handlers.start({ kind: 'udp-server', address: '127.0.0.1', port: udpPort, recvSize: 2048 })
    const tcpClient = await handlers.start({ kind: 'tcp-client', address: '127.0.0.1', port: tcpPort, recvSize: 1024, timeoutMs: 5000 })
    const udpClient = await handlers.start({ kind: 'udp-client', address: '127.0.0.1', port: udpPort, recvSize: 2048, timeoutMs: 5000 })
    await handlers.send(tcpClient.id, 'hello, world!!')
    await handlers.send(udpClient.id, 'ping')
    await until(() => got.filter((p) => p.flags.includes('FIN')).length === 2 && got.filter((p) => p.proto === 'UDP').length === 2, 'the exchanges captured')
    await until(() => capture!.status().labZeroBound !== undefined, 'the clocks measured')

    const { labZero, labZeroBound } = capture.status()
    const bound = labZeroBound!
    console.log(`lab clock aligned to the capture's within ±${bound} µs`)
    expect(bound).toBeGreaterThanOrEqual(0)
    expect(bound).toBeLessThanOrEqual(MAX_BOUND_US)
    // The probes are the measurement, not the lab's traffic: none reaches the view.
    expect(got.every((p) => [p.src.port, p.dst.port].some((port) => port === tcpPort || port === udpPort))).toBe(true)

    const events = lab.history()
    // The feed's order and its times never contradict each other: a call is logged as it is stamped.
    const times = events.map((e) => e.time)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const at = (e: LabEvent): number => labZero + e.time
    const one = <T>(items: T[], what: string): T => {
      expect(items, what).toHaveLength(1)
      return items[0]
    }
    const call = (endpoint: string, kind: LabEvent['kind']): LabEvent => one(events.filter((e) => e.endpoint === endpoint && e.kind === kind), `${endpoint} ${kind}`)
    const packet = (what: string, match: (p: WirePacket) => boolean): WirePacket => one(got.filter(match), what)
    /** The call's time lies before the packet's, as far as the clocks' alignment can tell. */
    const before = (e: LabEvent, p: WirePacket): void => expect(at(e), `${e.endpoint} ${e.kind} at ${at(e)}, packet at ${p.time}`).toBeLessThanOrEqual(p.time + bound)
    const after = (e: LabEvent, p: WirePacket): void => expect(at(e), `${e.endpoint} ${e.kind} at ${at(e)}, packet at ${p.time}`).toBeGreaterThanOrEqual(p.time - bound)

    const server = 'tcp-server-1'
    const client = tcpClient.id
    const synAck = packet('SYN-ACK', (p) => p.flags.includes('SYN') && p.flags.includes('ACK'))
    const lastAck = packet('handshake ACK', (p) => p.step === 'handshake-3')
    const request = packet('request', (p) => p.proto === 'TCP' && to(p, tcpPort) && p.length > 0)
    const reply = packet('reply', (p) => p.proto === 'TCP' && from(p, tcpPort) && p.length > 0)
    const serverFin = packet('server FIN', (p) => p.flags.includes('FIN') && from(p, tcpPort))
    const clientFin = packet('client FIN', (p) => p.flags.includes('FIN') && to(p, tcpPort))
    after(call(client, 'connect'), synAck)
    after(call(server, 'accept'), lastAck)
    before(call(client, 'send'), request)
    after(call(server, 'recv'), request)
    before(call(server, 'send'), reply)
    after(call(client, 'recv'), reply)
    const closes = events.filter((e) => e.kind === 'close' && e.conn === 1 && e.proto === 'TCP')
    before(one(closes.filter((e) => e.endpoint === server), 'server close'), serverFin)
    before(one(closes.filter((e) => e.endpoint === client), 'client close'), clientFin)

    const datagram = packet('request datagram', (p) => p.proto === 'UDP' && to(p, udpPort))
    const answer = packet('reply datagram', (p) => p.proto === 'UDP' && from(p, udpPort))
    before(call(udpClient.id, 'send'), datagram)
    after(call('udp-server-1', 'recv'), datagram)
    before(call('udp-server-1', 'send'), answer)
    after(call(udpClient.id, 'recv'), answer)
  }, 60_000)
})
