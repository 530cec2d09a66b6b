// Matching captured packets to the lab's connections and calls, on exchanges the lab itself makes
// while dumpcap records them.

import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ConversationTracker } from '../../src/engine/capture/conversation-tracker'
import { matchConnections, MATCH_SLACK_US } from '../../src/shared/match-connections'
import { parseFieldLine } from '../../src/engine/capture/tshark-fields'
import type { LabEvent } from '../../src/shared/events'
import type { Conversation, WirePacket } from '../../src/shared/wire'
import { captureSkipReason, fieldLines, record, removeFixture, tcpExchange } from '../helpers/capture'
import { tcpClient, testLab, type TestLab } from '../helpers/lab'
import { freePort } from '../helpers/processes'

const skip = await captureSkipReason()
const files: string[] = []
afterAll(() => files.forEach(removeFixture))
let lab: TestLab | undefined
afterEach(async () => {
  await lab?.close()
  lab = undefined
})

/** The lab's clock zero on the packets' clock (µs since the epoch), taken as the lab is made. */
function labWithZero(): { t: TestLab; zero: number } {
  const zero = Math.round((performance.timeOrigin + performance.now()) * 1000)
  return { t: testLab(), zero }
}

async function captured(ports: number[], exchange: () => Promise<void>): Promise<{ packets: WirePacket[]; conversations: Conversation[] }> {
  const file = await record(ports, exchange)
  files.push(file)
  const packets = (await fieldLines(file)).map(parseFieldLine).filter((p): p is WirePacket => p !== null)
  const tracker = new ConversationTracker(ports)
  packets.forEach((p) => tracker.track(p))
  return { packets, conversations: tracker.conversations() }
}

const one = (events: LabEvent[], endpoint: string, kind: LabEvent['kind']): LabEvent => {
  const found = events.filter((e) => e.endpoint === endpoint && e.kind === kind)
  expect(found, `${endpoint} ${kind}`).toHaveLength(1)
  return found[0]
}

describe.skipIf(skip)('matching packets to the lab’s connections', () => {
  it.each([
    ['IPv4', '0.0.0.0', '127.0.0.1'],
    ['IPv6', '::', '::1']
  ] as const)('TCP over %s: the conversation is both endpoints’ connection, each segment linked to its call', async (_f, any, host) => {
    const port = await freePort(host)
    const { t, zero } = labWithZero()
    lab = t
    const { packets, conversations } = await captured([port], async () => {
      await t.start({ kind: 'tcp-server', address: any, port, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
      const { id } = await t.start(tcpClient(port, { address: host }))
      await t.lab.send(id, 'hello world')
      await t.waitForEvent((e) => e.endpoint === 'tcp-server-1' && e.kind === 'close' && e.conn === 1)
    })
    expect(conversations).toHaveLength(1)
    const m = matchConnections(packets, conversations, t.events, zero)
    expect(m.connections).toEqual(
      expect.arrayContaining([
        { conversation: conversations[0].id, endpoint: 'tcp-client-1', conn: 1, role: 'client' },
        { conversation: conversations[0].id, endpoint: 'tcp-server-1', conn: 1, role: 'server' }
      ])
    )
    expect(m.connections).toHaveLength(2)

    const ev = t.events
    const callsOf = (p: WirePacket | undefined): unknown => (p ? m.calls.get(p.no) : 'no such packet')
    const byStep = (step: WirePacket['step']): WirePacket | undefined => packets.find((p) => p.step === step)
    // connect() sends the SYN and returns once the SYN-ACK is in; accept() takes the finished handshake.
    expect(callsOf(byStep('handshake-1'))).toEqual({ sentBy: one(ev, 'tcp-client-1', 'connect').seq })
    expect(callsOf(byStep('handshake-2'))).toEqual({ readBy: one(ev, 'tcp-client-1', 'connect').seq })
    expect(callsOf(byStep('handshake-3'))).toEqual({ readBy: one(ev, 'tcp-server-1', 'accept').seq })
    // Each data segment: the send() that wrote its bytes and the recv() that read them.
    const [request, reply] = packets.filter((p) => p.length > 0)
    expect(callsOf(request)).toEqual({ sentBy: one(ev, 'tcp-client-1', 'send').seq, readBy: one(ev, 'tcp-server-1', 'recv').seq })
    expect(callsOf(reply)).toEqual({ sentBy: one(ev, 'tcp-server-1', 'send').seq, readBy: one(ev, 'tcp-client-1', 'recv').seq })
    // close() sends the FIN.
    const serverClose = ev.find((e) => e.endpoint === 'tcp-server-1' && e.kind === 'close' && e.conn === 1)!
    expect(callsOf(byStep('server-close'))).toEqual({ sentBy: serverClose.seq })
    expect(callsOf(byStep('client-close'))).toEqual({ sentBy: one(ev, 'tcp-client-1', 'close').seq })
  })

  it('UDP: exactly two datagrams, each linked to its sendto() and recvfrom(); a server bound to 0.0.0.0 matches by port', async () => {
    const port = await freePort()
    const { t, zero } = labWithZero()
    lab = t
    const { packets, conversations } = await captured([port], async () => {
      await t.start({ kind: 'udp-server', address: '0.0.0.0', port, recvSize: 2048 })
      const { id } = await t.start({ kind: 'udp-client', address: '127.0.0.1', port, recvSize: 2048, timeoutMs: 5000 })
      await t.lab.send(id, 'hello world')
    })
    expect(packets).toHaveLength(2)
    const m = matchConnections(packets, conversations, t.events, zero)
    expect(m.connections.map((c) => [c.endpoint, c.role]).sort()).toEqual([
      ['udp-client-1', 'client'],
      ['udp-server-1', 'server']
    ])
    const ev = t.events
    expect(m.calls.get(packets[0].no)).toEqual({ sentBy: one(ev, 'udp-client-1', 'send').seq, readBy: one(ev, 'udp-server-1', 'recv').seq })
    expect(m.calls.get(packets[1].no)).toEqual({ sentBy: one(ev, 'udp-server-1', 'send').seq, readBy: one(ev, 'udp-client-1', 'recv').seq })
  })

  it('traffic that is not the lab’s own is left unmatched', async () => {
    const port = await freePort()
    const { t, zero } = labWithZero()
    lab = t
    const { packets, conversations } = await captured([port], async () => {
      await tcpExchange('127.0.0.1', port)
    })
    expect(packets.length).toBeGreaterThan(0)
    const m = matchConnections(packets, conversations, t.events, zero)
    expect(m.connections).toEqual([])
    expect(m.calls.size).toBe(0)
  })

  it('the same 4-tuple twice: the connection goes to the conversation nearest in time', async () => {
    const port = await freePort()
    const { t, zero } = labWithZero()
    lab = t
    const { packets, conversations } = await captured([port], async () => {
      await t.start({ kind: 'tcp-server', address: '127.0.0.1', port, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 })
      const { id } = await t.start(tcpClient(port))
      await t.lab.send(id, 'hello world')
    })
    // The same conversation 30 s later, as a reused port would give (tshark numbers it anew).
    const later: Conversation = { ...conversations[0], id: 'TCP 99', firstTime: conversations[0].firstTime + 30e6, lastTime: conversations[0].lastTime + 30e6 }
    const both = [later, ...conversations]
    expect(matchConnections(packets, both, t.events, zero).connections.map((c) => c.conversation)).toEqual([conversations[0].id, conversations[0].id])
    expect(matchConnections(packets, both, t.events, zero + 30e6).connections.map((c) => c.conversation)).toEqual(['TCP 99', 'TCP 99'])
    // Further than the slack from both: no match rather than a wrong one.
    expect(matchConnections(packets, both, t.events, zero + 15e6 + MATCH_SLACK_US).connections).toEqual([])
  })
})
