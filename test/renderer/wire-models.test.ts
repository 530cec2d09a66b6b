// The wire views' models on a real lab: what each socket is doing now (from the lab's own events),
// and the ladder of a captured connection (its packets and both ends' calls, in causal order).

import { afterEach, describe, expect, it } from 'vitest'
import { LabCapture } from '../../src/session/lab-capture'
import { CaptureStore } from '../../src/renderer/src/wire/capture-store'
import { alignmentWords, buildLadder, callSides, conversationNames, conversationOfEvent } from '../../src/renderer/src/wire/ladder-model'
import { groupLine, kernelOwners, rowsToShow, socketActivity } from '../../src/renderer/src/wire/socket-activity'
import type { WirePacket } from '../../src/shared/wire'
import { createI18n } from '../../src/shared/i18n/i18n'
import { say, type Said } from '../../src/shared/i18n/said'
import type { EndpointActivity } from '../../src/renderer/src/wire/socket-activity'
import { captureSkipReason, sleep } from '../helpers/capture'
import { testLab, type TestLab } from '../helpers/lab'
import path from 'node:path'
import { freePort, python, ROOT, type Running } from '../helpers/processes'

const skip = await captureSkipReason()
const en = createI18n('en').t
const it_ = createI18n('it').t
/** An endpoint's activity with what it does now in English words, as the Sockets view shows it in English. */
const w = (a: EndpointActivity | undefined): (Omit<EndpointActivity, 'now'> & { now: string }) | undefined => a && { ...a, now: say(en, a.now) }
const words = (s: { words: Said; short: Said } | undefined): { words: string; short: string } | undefined => s && { words: say(en, s.words), short: say(en, s.short) }
let t: TestLab
let capture: LabCapture | undefined
let course: Running | undefined
afterEach(async () => {
  await course?.stop()
  course = undefined
  await capture?.dispose()
  capture = undefined
  await t?.close()
})

const now = (run: () => void): void => run()
const tcpServer = (port: number, concurrent = false) => ({ kind: 'tcp-server' as const, address: '127.0.0.1', port, recvSize: 1024, concurrent, idleTimeoutMs: 0 })
const tcpClient = (port: number) => ({ kind: 'tcp-client' as const, address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 5000 })

describe('what each socket is doing now', () => {
  it('an iterative server: blocked in accept(), then in recv() with a second connection in its backlog, then closed', async () => {
    t = testLab()
    const port = await freePort()
    const server = await t.start(tcpServer(port))
    const now = (): ReturnType<typeof socketActivity> => socketActivity(t.events)
    expect(w(now().get(server.id))).toMatchObject({ now: 'listening, blocked in accept(): waiting for a client to connect', tone: 'blocked', connections: [], backlog: [] })

    const first = await t.start(tcpClient(port))
    const second = await t.start(tcpClient(port))
    await t.lab.connect(first.id)
    await t.waitForEvent((e) => e.kind === 'accept')
    await t.lab.connect(second.id)
    await t.waitForEvent((e) => e.kind === 'queued')
    const busy = w(now().get(server.id))!
    expect(busy.now).toMatch(/^serving 127\.0\.0\.1:\d+: blocked in recv\(\)$/)
    expect(busy.backlog).toHaveLength(1)
    expect(w(now().get(first.id))).toMatchObject({ now: 'connected to 127.0.0.1:' + port, tone: 'idle' })

    await t.lab.send(first.id, 'one')
    // The client's exchange is over; the server took the next connection from its backlog.
    await t.waitForEvent((e) => e.kind === 'accept' && e.conn === 2)
    expect(w(now().get(first.id))!.now).toBe('closed (the next sentence opens a new connection)')
    expect(w(now().get(server.id))!.backlog).toHaveLength(0)
    await t.lab.stop(server.id)
    expect(w(now().get(server.id))).toMatchObject({ now: 'closed: the server socket is closed', tone: 'closed' })
  })

  it('an HTTP client, its page read and the server gone, says its next fetch opens a new connection', async () => {
    t = testLab()
    const server = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: path.join(ROOT, 'resources', 'sample-site', 'en') })
    const client = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await t.lab.send(client.id, `http://127.0.0.1:${server.local!.port}/`)
    await t.waitForEvent((e) => e.endpoint === client.id && e.kind === 'close')
    expect(w(socketActivity(t.events).get(client.id))).toMatchObject({ now: 'closed (the next fetch opens a new connection)', tone: 'closed' })
  })

  it('a UDP server waits in recvfrom(), and a UDP client in recvfrom() once it has sent', async () => {
    t = testLab()
    const port = await freePort()
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port, recvSize: 2048 })
    expect(w(socketActivity(t.events).get(server.id))!.now).toBe('blocked in recvfrom(): waiting for a datagram')
    // A client sending to a port nobody answers on waits for the reply.
    const silent = await freePort()
    const client = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: silent, recvSize: 2048, timeoutMs: 5000 })
    void t.lab.send(client.id, 'anyone?').catch(() => undefined)
    await t.waitForEvent((e) => e.endpoint === client.id && e.kind === 'send')
    expect(w(socketActivity(t.events).get(client.id))).toMatchObject({ now: 'blocked in recvfrom(): waiting for the reply', tone: 'blocked' })
  })

  it("gives an endpoint only the kernel rows that are its own: its LISTEN row and the 4-tuples of its connections", () => {
    const addr = (port: number, address = '127.0.0.1') => ({ address, port, family: 'IPv4' as const })
    const base = { seq: 0, time: 0, length: 0, info: '', proto: 'TCP' as const }
    const events = [
      { ...base, seq: 1, endpoint: 'tcp-server-1', role: 'server' as const, kind: 'listen' as const, conn: 0, local: addr(12000, '0.0.0.0'), detail: { address: '0.0.0.0', port: 12000, mode: 'iterative' as const, recvSize: 1024 } },
      { ...base, seq: 2, endpoint: 'tcp-client-1', role: 'client' as const, kind: 'connect' as const, conn: 1, local: addr(40000), remote: addr(12000), detail: { handshake: true } },
      // A dual-stack server sees the IPv4 peer as ::ffff:127.0.0.1; the kernel lists the IPv4 address.
      { ...base, seq: 3, endpoint: 'tcp-server-1', role: 'server' as const, kind: 'accept' as const, conn: 1, local: addr(12000, '::ffff:127.0.0.1'), remote: addr(40000, '::ffff:127.0.0.1'), detail: { backlogMs: 0 } },
      { ...base, seq: 4, endpoint: 'tcp-server-1', role: 'server' as const, kind: 'queued' as const, conn: 2, local: addr(12000), remote: addr(40002), detail: { queuedAhead: 1 } }
    ]
    const k = (local: number, remote: number, state: 'LISTEN' | 'TIME_WAIT' | 'FIN_WAIT2' | 'ESTABLISHED', address = '127.0.0.1') => ({ local: addr(local, address), remote: addr(remote, remote ? '127.0.0.1' : '0.0.0.0'), state, recvQueue: 0, sendQueue: 0, uid: 0, inode: 0 })
    const sockets = [
      k(12000, 0, 'LISTEN', '0.0.0.0'),
      k(12000, 40000, 'TIME_WAIT'),
      k(40000, 12000, 'FIN_WAIT2'),
      k(12000, 40002, 'ESTABLISHED'),
      // nc or python on the lab's port: a connection the lab never made or accepted, on either side.
      k(41000, 12000, 'FIN_WAIT2'),
      k(12000, 41000, 'TIME_WAIT'),
      // Another program listening on the same port at another address.
      k(12000, 0, 'LISTEN', '127.0.0.2'),
      // A connection the kernel queued for the server's accept() before Node took it: the lab has not heard of it yet.
      k(12000, 40004, 'ESTABLISHED'),
      // …but one queued for the other program's listener at 127.0.0.2 is that program's.
      k(12000, 40006, 'ESTABLISHED', '127.0.0.2')
    ]
    const activity = socketActivity(events)
    const { own, others } = kernelOwners([activity.get('tcp-server-1')!, activity.get('tcp-client-1')!], sockets)
    expect(own.get('tcp-server-1')!.map((s) => `${s.state} ${s.local.port}>${s.remote.port}`)).toEqual(['LISTEN 12000>0', 'TIME_WAIT 12000>40000', 'ESTABLISHED 12000>40002', 'ESTABLISHED 12000>40004'])
    expect(own.get('tcp-client-1')!.map((s) => `${s.state} ${s.local.port}>${s.remote.port}`)).toEqual(['FIN_WAIT2 40000>12000'])
    expect(others.map((s) => `${s.state} ${s.local.address}:${s.local.port}>${s.remote.port}`)).toEqual(['FIN_WAIT2 127.0.0.1:41000>12000', 'TIME_WAIT 127.0.0.1:12000>41000', 'LISTEN 127.0.0.2:12000>0', 'ESTABLISHED 127.0.0.2:12000>40006'])
  })

  it('lists at most ROWS_SHOWN rows, LISTEN and the rarest states first, and a line counts them all', () => {
    const addr = (port: number) => ({ address: '127.0.0.1', port, family: 'IPv4' as const })
    const row = (port: number, state: 'LISTEN' | 'TIME_WAIT' | 'ESTABLISHED') => ({ local: addr(12000), remote: addr(port), state, recvQueue: 0, sendQueue: 0, uid: 0, inode: port })
    const sockets = [...Array.from({ length: 4998 }, (_, i) => row(20000 + i, 'ESTABLISHED')), row(1, 'TIME_WAIT'), row(0, 'LISTEN'), row(2, 'TIME_WAIT')]
    const { rows, counts } = rowsToShow(sockets, 50)
    expect(rows).toHaveLength(50)
    expect(rows.slice(0, 3).map((s) => s.state)).toEqual(['LISTEN', 'TIME_WAIT', 'TIME_WAIT'])
    expect(rows[3].remote.port).toBe(20000)
    expect(groupLine(createI18n('en').getFixedT(null, 'wire'), counts, rows.length)).toBe('5,000 connections: 4,998 ESTABLISHED, 2 TIME_WAIT (showing 50)')
    expect(groupLine(createI18n('it').getFixedT(null, 'wire'), counts, rows.length)).toBe('5.000 connessioni: 4.998 ESTABLISHED, 2 TIME_WAIT (ne mostra 50)')
    expect(rowsToShow(sockets.slice(0, 3), 50).rows).toHaveLength(3)
  })
})

describe.skipIf(skip)('the ladder of a captured connection (real dumpcap and tshark)', () => {
  /** TCP exchanges on a fresh lab, one connection per sentence, each captured to its last ACK (bounded: 5 s); the lab's server, or the course's Python one. */
  async function capturedExchange(sentences = ['hello'], server: 'lab' | 'python' = 'lab'): Promise<{ store: CaptureStore; client: { id: string } }> {
    t = testLab()
    capture = new LabCapture(t.lab)
    const store = new CaptureStore(1000, now)
    capture.on('packets', (b: WirePacket[]) => store.add(structuredClone(b)))
    await capture.start()
    const port = await freePort()
    await capture.cover([port])
    if (server === 'lab') await t.start(tcpServer(port))
    else {
      course = python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
      await course.waitFor(/Server waiting on/)
    }
    const client = await t.start(tcpClient(port))
    for (const sentence of sentences) await t.lab.send(client.id, sentence)
    for (let i = 0; i < 200 && (store.all().filter((p) => p.step === 'last-ack').length < sentences.length || capture.status().labZeroBound === undefined); i++) await sleep(25)
    return { store, client }
  }

  /** The lab's time 0 as the capture measured it. */
  const measuredZero = (): number => capture!.status().labZero

  it('puts connect() after the SYN-ACK, accept() after the handshake, close() before its FIN, and finds the connection from a log row', async () => {
    const { store, client } = await capturedExchange()

    const [conversation] = store.allConversations()
    expect(conversation).toMatchObject({ proto: 'TCP', sawStart: true, state: 'closed', packets: store.all().length })
    const ladder = buildLadder(conversation, store.packetsOf(conversation.id), t.events, measuredZero())
    expect(ladder.ends.client?.endpoint).toBe(client.id)
    expect(ladder.ends.server?.endpoint).toMatch(/^tcp-server-/)
    const order = ladder.rows.map((r) => (r.kind === 'packet' ? `${r.from}:${r.packet.step ?? (typeof r.label === 'string' ? r.label : say(en, r.label)).split(' ')[0]}` : `${r.side}:${r.event.kind}`))
    const at = (item: string): number => order.indexOf(item)
    expect(order.slice(0, 3)).toEqual(['client:handshake-1', 'server:handshake-2', 'client:handshake-3'])
    expect(at('client:connect')).toBeGreaterThan(at('server:handshake-2'))
    expect(at('server:accept')).toBeGreaterThan(at('client:handshake-3'))
    expect(at('server:close')).toBeLessThan(at('server:server-close'))
    expect(at('client:close')).toBeLessThan(at('client:client-close'))
    expect(at('client:send')).toBeLessThan(at('server:recv'))
    // The data segment knows the calls that wrote and read it.
    const data = ladder.rows.find((r) => r.kind === 'packet' && r.packet.length === 5 && r.from === 'client')
    const send = t.events.find((e) => e.endpoint === client.id && e.kind === 'send')!
    expect(data?.kind === 'packet' && data.calls?.sentBy).toBe(send.seq)
    // A row of the packet log leads to its connection.
    expect(conversationOfEvent(send, store.allConversations(), t.lab.timeZeroEpochMicros)).toBe(conversation.id)
  }, 60_000)

  it('prints each call at its logged time and goes down in time, whatever the alignment says', async () => {
    const { store } = await capturedExchange()
    const [conversation] = store.allConversations()
    // Even a lab clock taken 3 ms late or early: the rows follow the printed times, never back.
    for (const skew of [0, 3000, -3000]) {
      const zero = measuredZero() + skew
      const ladder = buildLadder(conversation, store.packetsOf(conversation.id), t.events, zero)
      const calls = ladder.rows.filter((r) => r.kind === 'call')
      expect(calls.length).toBeGreaterThanOrEqual(8)
      for (const r of calls) expect(r.time).toBe(zero + r.event.time)
      const times = ladder.rows.map((r) => r.time)
      expect(times).toEqual([...times].sort((a, b) => a - b))
    }
  }, 60_000)

  it('says how well the call times align only of the calls it draws: both ends, the client\'s alone against the course\'s server, none without lab calls', async () => {
    const { store } = await capturedExchange()
    const [conversation] = store.allConversations()
    const bound = capture!.status().labZeroBound!
    const both = buildLadder(conversation, store.packetsOf(conversation.id), t.events, measuredZero())
    expect(callSides(both)).toEqual(['client', 'server'])
    expect(words(alignmentWords(bound, callSides(both)))).toEqual({ words: `call times aligned to ±${bound.toLocaleString('en')} µs`, short: `calls ±${bound.toLocaleString('en')} µs` })
    // The same packets with no lab calls (another program's connection): nothing to align, nothing said.
    const none = buildLadder(conversation, store.packetsOf(conversation.id), [], measuredZero())
    expect(callSides(none)).toEqual([])
    expect(alignmentWords(bound, callSides(none))).toBeUndefined()
    await capture!.dispose()
    await t.close()

    const python = await capturedExchange(['hello'], 'python')
    const [foreign] = python.store.allConversations()
    const ladder = buildLadder(foreign, python.store.packetsOf(foreign.id), t.events, measuredZero())
    expect(ladder.ends.server).toBeUndefined()
    expect(callSides(ladder)).toEqual(['client'])
    const b = capture!.status().labZeroBound!
    expect(words(alignmentWords(b, callSides(ladder)))).toEqual({ words: `client calls aligned to ±${b.toLocaleString('en')} µs`, short: `client calls ±${b.toLocaleString('en')} µs` })
  }, 60_000)

  it("names the picker's connections from 1, as the packet log numbers the server's connections", async () => {
    const { store } = await capturedExchange(['one', 'two'])
    const conversations = store.allConversations()
    expect(conversations.map((c) => c.id)).toEqual(['TCP 0', 'TCP 1'])
    const accepts = t.events.filter((e) => e.kind === 'accept').map((e) => e.conn)
    expect(accepts).toEqual([1, 2])
    const names = conversationNames(conversations, t.events, t.lab.timeZeroEpochMicros)
    expect(say(en, names.get('TCP 0')!)).toMatch(/^TCP connection 1: 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+$/)
    expect(say(en, names.get('TCP 1')!)).toMatch(/^TCP connection 2: /)
    expect(say(it_, names.get('TCP 1')!)).toMatch(/^Connessione TCP 2: 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+$/)
    // Packets of no lab endpoint (a program of the student's own) count from 1 too.
    expect(say(en, conversationNames(conversations, [], t.lab.timeZeroEpochMicros).get('TCP 0')!)).toMatch(/^TCP connection 1: /)
  }, 60_000)
})
