// The capture parser on lines tshark printed for exchanges this test made on loopback and
// recorded with dumpcap: IPv4 and IPv6, TCP and UDP. What each packet must say follows from the
// exchange (its ports, its bytes), not from a stored copy of an earlier run.

import net from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import type { WirePacket } from '../../src/shared/wire'
import { decodeFlags, epochMicros, parseFieldLine, FIELDS } from '../../src/engine/capture/tshark-fields'
import { freePort } from '../helpers/processes'
import { captureSkipReason, fieldLines, record, removeFixture, tcpExchange, udpExchange, type TcpExchange } from '../helpers/capture'

const skip = await captureSkipReason()
const files: string[] = []
afterAll(() => files.forEach(removeFixture))

async function captured<T>(ports: number[], exchange: () => Promise<T>): Promise<{ packets: WirePacket[]; lines: string[]; result: T; from: number; to: number }> {
  let result!: T
  const from = Date.now() * 1000
  const file = await record(ports, async () => {
    result = await exchange()
  })
  const to = Date.now() * 1000
  files.push(file)
  const lines = await fieldLines(file)
  const packets = lines.map(parseFieldLine).filter((p): p is WirePacket => p !== null)
  return { packets, lines, result, from, to }
}

const hosts = [
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1']
] as const

describe.skipIf(skip)('parser on real captures', () => {
  describe.each(hosts)('TCP over %s', (family, host) => {
    it('every segment of a whole connection: addresses, flags, relative seq/ack, window, length', async () => {
      const port = await freePort(host)
      const { packets, lines, result: x, from, to } = await captured([port], () => tcpExchange(host, port))
      expect(packets).toHaveLength(lines.length)
      const client = { address: host, port: x.clientPort, family }
      const server = { address: host, port: x.serverPort, family }
      for (const p of packets) {
        expect(p.proto).toBe('TCP')
        expect(p.family).toBe(family)
        expect([p.src, p.dst]).toContainEqual(client)
        expect([p.src, p.dst]).toContainEqual(server)
        expect(p.conversation).toBe(packets[0].conversation)
        expect(p.time).toBeGreaterThanOrEqual(from - 1_000_000)
        expect(p.time).toBeLessThanOrEqual(to + 1_000_000)
        expect(p.window).toBeGreaterThan(0)
      }
      expect(packets.map((p) => p.no)).toEqual(packets.map((_, i) => i + 1))
      expectWholeConnection(packets, x, client, server)
    })
  })

  describe.each(hosts)('UDP over %s', (family, host) => {
    it('exactly the two datagrams, with their data lengths', async () => {
      const port = await freePort(host)
      const { packets, result: x } = await captured([port], () => udpExchange(host, port))
      const client = { address: host, port: x.clientPort, family }
      const server = { address: host, port: x.serverPort, family }
      expect(packets).toMatchObject([
        { proto: 'UDP', family, src: client, dst: server, length: Buffer.byteLength(x.request), flags: [] },
        { proto: 'UDP', family, src: server, dst: client, length: Buffer.byteLength(x.reply), flags: [] }
      ])
      expect(packets[0].seq).toBeUndefined()
      expect(packets[0].conversation).toBe(packets[1].conversation)
      expect(packets[0].conversation).toMatch(/^UDP \d+$/)
    })
  })

  it('TCP and UDP on the same port, one capture: each packet keeps its protocol and conversation', async () => {
    const port = await freePort()
    const { packets } = await captured([port], async () => {
      await tcpExchange('127.0.0.1', port)
      await udpExchange('127.0.0.1', port)
    })
    expect(packets.filter((p) => p.proto === 'UDP')).toHaveLength(2)
    expect(new Set(packets.filter((p) => p.proto === 'TCP').map((p) => p.conversation)).size).toBe(1)
    expect(packets.at(-1)!.proto).toBe('UDP')
  })

  it('a refused connection: the SYN answered by RST-ACK', async () => {
    const port = await freePort()
    const { packets } = await captured([port], async () => {
      await new Promise<void>((resolve) => net.connect({ host: '127.0.0.1', port }).on('error', () => resolve()))
    })
    expect(packets.map((p) => p.flags)).toEqual([['SYN'], ['RST', 'ACK']])
    expect(packets[1].ack).toBe(1)
  })
})

/** The segments a course-style exchange must contain, in an order TCP guarantees. */
function expectWholeConnection(packets: WirePacket[], x: TcpExchange, client: object, server: object): void {
  const fromClient = (p: WirePacket): boolean => p.src.port === x.clientPort
  const req = Buffer.byteLength(x.request)
  const rep = Buffer.byteLength(x.reply)
  // The handshake comes first, always three segments.
  expect(packets.slice(0, 3)).toMatchObject([
    { src: client, dst: server, flags: ['SYN'], seq: 0, length: 0 },
    { src: server, dst: client, flags: ['SYN', 'ACK'], seq: 0, ack: 1, length: 0 },
    { src: client, dst: server, flags: ['ACK'], seq: 1, ack: 1, length: 0 }
  ])
  // The data each way, relative to each side's SYN.
  const data = packets.filter((p) => p.length > 0)
  expect(data).toMatchObject([
    { src: client, seq: 1, length: req },
    { src: server, seq: 1, ack: 1 + req, length: rep }
  ])
  // The server closes first (after its reply), then the client; each FIN takes one sequence number.
  const fins = packets.filter((p) => p.flags.includes('FIN'))
  expect(fins).toHaveLength(2)
  expect(fins[0]).toMatchObject({ src: server, seq: 1 + rep })
  expect(fins[1]).toMatchObject({ src: client, seq: 1 + req, ack: 2 + rep })
  // The last segment acknowledges the client's FIN.
  expect(packets.at(-1)).toMatchObject({ src: server, flags: ['ACK'], ack: 2 + req })
  expect(packets.filter(fromClient).length + packets.filter((p) => !fromClient(p)).length).toBe(packets.length)
}

describe('parser, pure cases', () => {
  it('flags from the header bits, in the order they are named', () => {
    expect(decodeFlags(0x12)).toEqual(['SYN', 'ACK'])
    expect(decodeFlags(0x18)).toEqual(['PSH', 'ACK'])
    expect(decodeFlags(0x11)).toEqual(['FIN', 'ACK'])
    expect(decodeFlags(0x14)).toEqual(['RST', 'ACK'])
    expect(decodeFlags(0)).toEqual([])
  })

  it('epoch times to the microsecond without float rounding', () => {
    expect(epochMicros('1795603367.824273262')).toBe(1795603367824273)
    expect(epochMicros('1795603367.8')).toBe(1795603367800000)
    expect(epochMicros('1795603367')).toBe(1795603367000000)
  })

  it('lines that are not a TCP or UDP packet over IP give null, not a half-filled packet', () => {
    const empty = FIELDS.map(() => '')
    expect(parseFieldLine('')).toBeNull()
    expect(parseFieldLine(empty.join('\t'))).toBeNull()
    const arpLike = [...empty]
    arpLike[0] = '1'
    arpLike[1] = '1795603367.824273262'
    expect(parseFieldLine(arpLike.join('\t'))).toBeNull()
    expect(parseFieldLine('not\ttshark\toutput')).toBeNull()
  })
})
