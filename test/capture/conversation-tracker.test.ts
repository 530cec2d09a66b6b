// The conversation tracker on packets of real captures: who the client is, and the handshake and
// teardown named in words.

import net from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { ConversationTracker } from '../../src/engine/capture/conversation-tracker'
import { parseFieldLine } from '../../src/engine/capture/tshark-fields'
import { STEP_SAID, stepWords, type WirePacket } from '../../src/shared/wire'
import { createI18n } from '../../src/shared/i18n/i18n'
import { say } from '../../src/shared/i18n/said'

const en = createI18n('en').t
import { captureSkipReason, fieldLines, record, removeFixture, tcpExchange, udpExchange } from '../helpers/capture'
import { freePort } from '../helpers/processes'

const skip = await captureSkipReason()
const files: string[] = []
afterAll(() => files.forEach(removeFixture))

async function packetsOf(ports: number[], exchange: () => Promise<unknown>): Promise<WirePacket[]> {
  const file = await record(ports, async () => void (await exchange()))
  files.push(file)
  return (await fieldLines(file)).map(parseFieldLine).filter((p): p is WirePacket => p !== null)
}

const words = (packets: WirePacket[]): string[] => packets.filter((p) => p.step).map((p) => `${p.sender}: ${say(en, STEP_SAID[p.step!])}`)

describe.skipIf(skip)('conversation tracker on real captures', () => {
  it.each([['127.0.0.1'], ['::1']] as const)('a whole TCP connection over %s: handshake 1/3..3/3, each side closing, the last ACK', async (host) => {
    const port = await freePort(host)
    const packets = await packetsOf([port], () => tcpExchange(host, port))
    const tracker = new ConversationTracker([port])
    packets.forEach((p) => tracker.track(p))
    // The course's server replies and closes first; the client closes once it has read the reply.
    expect(words(packets)).toEqual([
      'client: handshake 1/3',
      'server: handshake 2/3',
      'client: handshake 3/3',
      'server: the server closes its side',
      'client: the client closes its side',
      'server: last ACK: both sides closed'
    ])
    // The same steps in Italian: the protocol's tokens (handshake, ACK) stay.
    const it_ = createI18n('it').t
    expect(packets.filter((p) => p.step).map((p) => say(it_, STEP_SAID[p.step!]))).toEqual([
      'handshake 1/3',
      'handshake 2/3',
      'handshake 3/3',
      'chiusura lato server',
      'chiusura lato client',
      'ultimo ACK: entrambi chiusi'
    ])
    const [c] = tracker.conversations()
    expect(c).toMatchObject({ proto: 'TCP', sawStart: true, state: 'closed', packets: packets.length })
    expect(c.client.port).not.toBe(port)
    expect(c.server.port).toBe(port)
    // Data segments are not steps, and carry who sent them.
    for (const p of packets.filter((q) => q.length > 0)) expect(p.step).toBeUndefined()
    expect(packets.filter((p) => p.length > 0).map((p) => p.sender)).toEqual(['client', 'server'])
  })

  it('a capture that starts mid-connection: the side on the watched port is the server', async () => {
    const port = await freePort()
    const packets = await packetsOf([port], () => tcpExchange('127.0.0.1', port))
    const tracker = new ConversationTracker([port])
    const late = packets.slice(3).map((p) => ({ ...p, reset: undefined }))
    late.forEach((p) => tracker.track(p))
    expect(tracker.conversations()[0]).toMatchObject({ sawStart: false, server: { port } })
    expect(words(late)).toEqual(['server: the server closes its side', 'client: the client closes its side', 'server: last ACK: both sides closed'])
  })

  it('a refused connection: the RST is labelled and ends the conversation', async () => {
    const port = await freePort()
    const packets = await packetsOf([port], () => new Promise<void>((resolve) => net.connect({ host: '127.0.0.1', port }).on('error', () => resolve())))
    const tracker = new ConversationTracker([port])
    packets.forEach((p) => tracker.track(p))
    expect(words(packets)).toEqual(['client: handshake 1/3', 'server: reset'])
    expect(tracker.conversations()[0].state).toBe('reset')
  })

  it('UDP: the first datagram’s sender is the client; no steps', async () => {
    const port = await freePort()
    const packets = await packetsOf([port], () => udpExchange('127.0.0.1', port))
    const tracker = new ConversationTracker([port])
    packets.forEach((p) => tracker.track(p))
    expect(packets.map((p) => [p.sender, p.step])).toEqual([
      ['client', undefined],
      ['server', undefined]
    ])
    expect(tracker.counts()).toEqual({ tcp: 0, udp: 1 })
  })

  it('remembers a bounded number of conversations but counts them all', async () => {
    const port = await freePort()
    const packets = await packetsOf([port], async () => {
      for (let i = 0; i < 3; i++) await tcpExchange('127.0.0.1', port)
    })
    const tracker = new ConversationTracker([port], 2)
    packets.forEach((p) => tracker.track(p))
    expect(tracker.counts().tcp).toBe(3)
    expect(tracker.conversations().map((c) => c.id)).toEqual(['TCP 1', 'TCP 2'])
  })
})

// A simultaneous close (each side's FIN sent before the other's arrived, as the course's server
// and client can do on a loaded machine) is a race no test can call up on demand: its packets are
// written out here, as tshark gives them, seq and ack relative.
describe('a simultaneous close: each side ACKs the other FIN, and the later ACK is the last', () => {
  const client = { address: '127.0.0.1', port: 50000, family: 'IPv4' as const }
  const server = { address: '127.0.0.1', port: 12000, family: 'IPv4' as const }
  let no = 0
  const packet = (from: 'c' | 's', flags: WirePacket['flags'], seq: number, ack: number | undefined, length = 0): WirePacket => ({
    no: ++no,
    time: no,
    proto: 'TCP',
    family: 'IPv4',
    src: from === 'c' ? client : server,
    dst: from === 'c' ? server : client,
    conversation: 'TCP 0',
    flags,
    seq,
    ack,
    length
  })
  const opening = (): WirePacket[] => [
    packet('c', ['SYN'], 0, undefined),
    packet('s', ['SYN', 'ACK'], 0, 1),
    packet('c', ['ACK'], 1, 1),
    packet('c', ['PSH', 'ACK'], 1, 1, 11),
    packet('s', ['ACK'], 1, 12),
    packet('s', ['PSH', 'ACK'], 1, 12, 11),
    packet('c', ['ACK'], 12, 12)
  ]
  const steps = (packets: WirePacket[]): string[] => {
    const tracker = new ConversationTracker([12000])
    packets.forEach((p) => tracker.track(p))
    expect(tracker.conversations()[0].state).toBe('closed')
    return words(packets.slice(7))
  }

  it.each([
    ['the server ACKs first', [packet('s', ['ACK'], 13, 13), packet('c', ['ACK'], 13, 13)], 'client'],
    ['the client ACKs first', [packet('c', ['ACK'], 13, 13), packet('s', ['ACK'], 13, 13)], 'server']
  ] as const)('%s', (_order, acks, last) => {
    // Each FIN acknowledges only the data: neither side had the other's FIN yet.
    const fins = [packet('s', ['FIN', 'ACK'], 12, 12), packet('c', ['FIN', 'ACK'], 12, 12)]
    expect(steps([...opening(), ...fins, ...acks])).toEqual(['server: the server closes its side', 'client: the client closes its side', `${last}: last ACK: both sides closed`])
  })

  it('the usual close still ends on the ACK of the second FIN, which itself acknowledged the first', () => {
    const close = [packet('s', ['FIN', 'ACK'], 12, 12), packet('c', ['FIN', 'ACK'], 12, 13), packet('s', ['ACK'], 13, 13)]
    expect(steps([...opening(), ...close])).toEqual(['server: the server closes its side', 'client: the client closes its side', 'server: last ACK: both sides closed'])
  })
})

// A RST no lab close() explains: the packets show whether its sender had received data and sent no
// FIN (its program closed with some unread, or aborted), and nothing more; otherwise it stays "reset".
describe.skipIf(skip)('a RST from a program socklab cannot see (real captures)', () => {
  /** A Node server on `port` whose connection does `serve`, and a client that sends `request` (and a FIN, if `end`), then `after` once the server's end arrives. */
  async function resetCapture(serve: (s: net.Socket) => void, request: string, end: boolean, after?: (c: net.Socket) => void): Promise<{ port: number; packets: WirePacket[] }> {
    const port = await freePort()
    const server = net.createServer(serve)
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    try {
      const packets = await packetsOf([port], () =>
        new Promise<void>((resolve) => {
          const client = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => {
            if (request) client.write(request)
            if (end) client.end()
          })
          client.on('error', () => {})
          client.resume()
          client.once('end', () => after?.(client))
          client.once('close', () => setTimeout(resolve, 100))
        })
      )
      return { port, packets }
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  }
  const rstOf = (port: number, packets: WirePacket[]): WirePacket[] => {
    const tracker = new ConversationTracker([port])
    packets.forEach((p) => tracker.track(p))
    return packets.filter((p) => p.flags.includes('RST'))
  }

  it('the server aborts after reading the client\'s 5 bytes and FIN: "the server got 5 bytes", the FIN not counted', async () => {
    const { port, packets } = await resetCapture((s) => s.on('data', () => {}).once('end', () => s.resetAndDestroy()), 'hello', true)
    const [rst, ...more] = rstOf(port, packets)
    expect(more).toEqual([])
    expect(rst).toMatchObject({ sender: 'server', step: 'reset', reset: { why: 'after-data', by: 'server', received: 5 } })
    expect(stepWords(en, rst)).toBe('reset: the server aborted, or closed with bytes unread')
    // Joined midway, the numbers are not relative to the SYNs: nothing to say but "reset".
    const late = packets.slice(3).map((p) => ({ ...p, reset: undefined }))
    const [lateRst] = rstOf(port, late)
    expect(lateRst).toMatchObject({ sender: 'server', step: 'reset' })
    expect(lateRst.reset).toBeUndefined()
  })

  it('the server aborts before any data came: a plain reset', async () => {
    const { port, packets } = await resetCapture((s) => s.resetAndDestroy(), '', false)
    const [rst] = rstOf(port, packets)
    expect(rst).toMatchObject({ sender: 'server', step: 'reset' })
    expect(rst.reset).toBeUndefined()
    expect(stepWords(en, rst)).toBe('reset')
  })

  it('the server read everything and closed (FIN); the client\'s later data gets a RST: a plain reset', async () => {
    const { port, packets } = await resetCapture(
      (s) => s.once('data', () => s.end('bye', () => s.destroy())),
      'hello',
      false,
      // Its kernel answers with RST; the client, done reading, hears of it only by closing.
      (c) => setTimeout(() => c.write('more after your close', () => setTimeout(() => c.destroy(), 200)), 50)
    )
    const rst = rstOf(port, packets)
    expect(packets.some((p) => p.flags.includes('FIN') && p.src.port === port)).toBe(true)
    expect(rst.map((p) => [p.sender, p.reset])).toEqual([['server', undefined]])
  })
})
