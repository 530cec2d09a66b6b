// socklab as the server, against the student's client: it listens (TCP), binds (UDP) or runs the
// textbook's ping server with drops on purpose (src/engine/pinger), runs the student's command
// once, feeds it the case's input, answers, and keeps what went on the wire and what the program
// printed. The items are then judged from that one run.

import dgram from 'node:dgram'
import net from 'node:net'
import { PingServer, type PingServerRecord } from '../engine/pinger'
import { said, type Said } from '../shared/i18n/said'
import type { CaseOf, ItemOf } from './cases'
import { bad, compareReply, expectedReply, ok, quoted, type Verdict } from './result'
import { lastWords, startProgram, substitute, type Program } from './program'
import { place } from './play-client'

/** Something that keeps a check from running at all (the port it must serve on is busy): one line, exit 1. */
export class SetupError extends Error {
  constructor(readonly said: Said) {
    super(said.key)
  }
}

export interface Serving {
  host: string
  /** 0: any free port (the command names it as {port}). */
  port: number
  argv: string[]
  /** The command had no {port}: the course's default is used, and a busy one is said so. */
  defaultPort: boolean
}

function busy(err: NodeJS.ErrnoException, s: Serving): never {
  if (err.code === 'EADDRINUSE') throw new SetupError(said(s.defaultPort ? 'check:setup.portBusyDefault' : 'check:setup.portBusy', { place: place({ host: s.host, port: s.port }), port: s.port }))
  if (err.code === 'EADDRNOTAVAIL') throw new SetupError(said('check:setup.noSuchAddress', { host: s.host }))
  throw new SetupError(said('check:setup.cannotServe', { place: place({ host: s.host, port: s.port }), code: err.code ?? err.message }))
}

/** What one run of the student's client showed. */
export interface ClientRun {
  program: Program
  port: number
  /** When the program's first connection (TCP) or datagram (UDP) arrived, in ms after it started. */
  contactAtMs?: number
  /** Every byte it sent socklab (TCP: on its first connection; UDP: its first datagram). */
  received: Buffer
  /** socklab's reply (empty until it replied). */
  replied: Buffer
  /** TCP: it closed its side (FIN) by itself, before socklab stopped it. */
  closedByClient?: boolean
  connections: number
  datagrams: number
}

/** Waits for the program to end by itself, `runMs` at most, or `contactMs` if it never reaches socklab. */
async function awaitRun(program: Program, contacted: () => boolean, runMs: number, contactMs: number): Promise<void> {
  const t0 = performance.now()
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, runMs)
    const poll = setInterval(() => {
      if (!contacted() && performance.now() - t0 > contactMs) {
        clearInterval(poll)
        clearTimeout(timer)
        resolve()
      }
    }, 50)
    void program.exited.then(() => {
      clearInterval(poll)
      clearTimeout(timer)
      resolve()
    })
  })
  await program.stop()
}

type ClientCase = CaseOf<'tcp-client'> | CaseOf<'udp-client'>

const contactTimeout = (c: { items: Array<{ probe: { kind: string }; timeoutMs?: number }> }, kind: string): number => c.items.find((i) => i.probe.kind === kind)?.timeoutMs ?? 5000

export async function runTcpClient(c: CaseOf<'tcp-client'>, s: Serving): Promise<ClientRun> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: s.host, port: s.port, exclusive: true }, () => resolve())
  }).catch((e: NodeJS.ErrnoException) => busy(e, s))
  const port = (server.address() as net.AddressInfo).port
  const program = startProgram(substitute(s.argv, { host: s.host, port: String(port) }), { input: c.input })
  const run: ClientRun = { program, port, received: Buffer.alloc(0), replied: Buffer.alloc(0), connections: 0, datagrams: 0 }
  const sockets = new Set<net.Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
    run.connections++
    if (run.connections > 1) return
    run.contactAtMs = performance.now()
    let quiet: NodeJS.Timeout | undefined
    socket.on('data', (d: Buffer) => {
      run.received = Buffer.concat([run.received, d])
      if (run.replied.length > 0) return
      // As the course's server, one reply to what came: once it stops coming for a moment.
      clearTimeout(quiet)
      quiet = setTimeout(() => {
        run.replied = expectedReply(c.reply, run.received)
        socket.write(run.replied)
      }, 150)
    })
    socket.on('end', () => {
      if (!program.stoppedBySocklab) run.closedByClient = true
      clearTimeout(quiet)
      socket.end()
    })
  })
  try {
    await awaitRun(program, () => run.contactAtMs !== undefined, c.runTimeoutMs, contactTimeout(c, 'connects'))
    // Its FIN may still be on its way when the program ends.
    await new Promise((r) => setTimeout(r, 50))
  } finally {
    for (const socket of sockets) socket.destroy()
    await new Promise((r) => server.close(r))
  }
  return run
}

export async function runUdpClient(c: CaseOf<'udp-client'>, s: Serving): Promise<ClientRun> {
  const socket = dgram.createSocket({ type: net.isIPv6(s.host) ? 'udp6' : 'udp4' })
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind({ address: s.host, port: s.port, exclusive: true }, () => resolve())
  }).catch((e: NodeJS.ErrnoException) => {
    socket.close()
    busy(e, s)
  })
  socket.on('error', () => undefined)
  const port = socket.address().port
  const program = startProgram(substitute(s.argv, { host: s.host, port: String(port) }), { input: c.input })
  const run: ClientRun = { program, port, received: Buffer.alloc(0), replied: Buffer.alloc(0), connections: 0, datagrams: 0 }
  socket.on('message', (msg, rinfo) => {
    run.datagrams++
    if (run.datagrams > 1) return
    run.contactAtMs = performance.now()
    run.received = msg
    run.replied = expectedReply(c.reply, msg)
    socket.send(run.replied, rinfo.port, rinfo.address)
  })
  try {
    await awaitRun(program, () => run.contactAtMs !== undefined, c.runTimeoutMs, contactTimeout(c, 'connects'))
  } finally {
    await new Promise<void>((r) => socket.close(() => r()))
  }
  return run
}

export const exitSaid = (p: Program): Said =>
  p.spawnError
    ? said('check:saw.spawnError', { why: p.spawnError })
    : p.stoppedBySocklab
      ? said('check:saw.stillRunning', { ms: Math.round(p.exit?.atMs ?? 0) })
      : p.exit?.signal
        ? said('check:saw.killedBy', { signal: p.exit.signal })
        : said('check:saw.exitStatus', { code: p.exit?.code ?? -1, words: quoted(lastWords(p), 100) })

/** Judges one item of a TCP or UDP client case from its run. */
export function clientItem(item: ItemOf<'tcp-client'> | ItemOf<'udp-client'>, c: ClientCase, run: ClientRun, s: Serving): Verdict {
  const p = item.probe
  const at = place({ host: s.host, port: run.port })
  const tcp = c.check === 'tcp-client'
  switch (p.kind) {
    case 'connects':
      if (run.contactAtMs !== undefined) return ok()
      return bad(said(tcp ? 'check:expect.connects' : 'check:expect.sendsDatagram', { place: at }), run.program.stoppedBySocklab ? said('check:saw.noContact') : exitSaid(run.program))
    case 'sends-input': {
      const want = Buffer.from(c.input[0] ?? '', 'utf8')
      const v = compareReply(want, run.received)
      return v.pass ? v : bad(said('check:expect.input', { what: v.expected! }), v.saw!)
    }
    case 'prints-reply': {
      const text = run.replied.toString('utf8')
      if (run.replied.length === 0) return bad(said('check:expect.printsReply', { text: quoted(text) }), said('check:saw.nothingToReply'))
      if (run.program.stdout().includes(text)) return ok()
      const out = run.program.stdout().trim().split('\n').filter(Boolean).at(-1) ?? ''
      return bad(said('check:expect.printsReply', { text: quoted(text) }), out ? said('check:saw.printed', { line: quoted(out, 80) }) : said('check:saw.printedNothing'))
    }
    case 'closes':
      return run.closedByClient ? ok() : bad(said('check:expect.closes'), said('check:saw.notClosed'))
    case 'exits':
      return exitVerdict(run.program, p.code)
  }
}

function exitVerdict(p: Program, code: number): Verdict {
  if (!p.spawnError && !p.stoppedBySocklab && p.exit?.code === code) return ok()
  return bad(said('check:expect.exits', { code }), exitSaid(p))
}

/** What one run of the student's Pinger showed. */
export interface PingRun {
  program: Program
  port: number
  records: PingServerRecord[]
  messages: string[]
}

export async function runPingClient(c: CaseOf<'udp-ping-client'>, s: Serving): Promise<PingRun> {
  const server = new PingServer({ address: s.host, port: s.port, loss: c.server.loss, seed: c.server.seed })
  const records: PingServerRecord[] = []
  server.on('record', (r: PingServerRecord) => records.push(r))
  try {
    await server.start()
  } catch (e) {
    busy(e as NodeJS.ErrnoException, s)
  }
  const run: PingRun = { program: undefined as unknown as Program, port: server.local.port, records, messages: [] }
  // The records say each ping's number; the format check needs its words too: a second listener
  // on the server's own socket (the engine keeps it private) reads the same datagrams.
  ;(server as unknown as { socket?: dgram.Socket }).socket?.on('message', (msg) => {
    if (run.messages.length < 10_000) run.messages.push(msg.subarray(0, 1024).toString('latin1'))
  })
  run.program = startProgram(substitute(s.argv, { host: s.host, port: String(run.port) }), { input: c.input })
  try {
    await awaitRun(run.program, () => run.messages.length > 0, c.runTimeoutMs, contactTimeout(c, 'pings'))
  } finally {
    await server.close()
  }
  return run
}

const PING = /^Ping (\d+) (\S+)$/

/** Judges one item of a Pinger case from its run. */
export function pingItem(item: ItemOf<'udp-ping-client'>, run: PingRun, s: Serving): Verdict {
  const p = item.probe
  const answered = run.records.filter((r) => r.type === 'reply').map((r) => (r.type === 'reply' ? r.seq : undefined))
  const dropped = run.records.filter((r) => r.type === 'drop').map((r) => (r.type === 'drop' ? r.seq : undefined))
  switch (p.kind) {
    case 'pings':
      if (run.messages.length > 0) return ok()
      return bad(said('check:expect.pings', { place: place({ host: s.host, port: run.port }) }), run.program.stoppedBySocklab ? said('check:saw.noContact') : exitSaid(run.program))
    case 'ping-format': {
      for (const [n, m] of run.messages.entries()) {
        const match = PING.exec(m)
        if (!match || Number(match[1]) !== n + 1) return bad(said('check:expect.pingFormat', { text: quoted(`Ping ${n + 1} <time>`) }), said('check:saw.ping', { n: n + 1, text: quoted(m, 60) }))
      }
      return ok()
    }
    case 'reports-replies': {
      const rtt = new RegExp(p.rtt.pattern, p.rtt.flags)
      const lines = run.program.stdout().split('\n')
      const missing = answered.filter((seq) => {
        if (seq === undefined) return true
        const own = new RegExp(`\\bping\\s+${seq}(\\s+\\S+)?`, 'i')
        return !lines.some((l) => own.test(l) && rtt.test(l.replace(own, ' ')))
      })
      if (missing.length === 0) return ok()
      return bad(said('check:expect.reportsReplies', { count: answered.length, seqs: list(answered) }), said('check:saw.unreported', { count: missing.length, seqs: list(missing) }))
    }
    case 'reports-losses': {
      const line = new RegExp(p.line.pattern, p.line.flags)
      const seen = run.program.stdout().split('\n').filter((l) => line.test(l)).length
      if (seen === dropped.length) return ok(said('check:note.losses', { count: dropped.length, sent: run.messages.length, seqs: list(dropped) }))
      return bad(said('check:expect.reportsLosses', { count: dropped.length, pattern: `/${p.line.pattern}/${p.line.flags}`, seqs: list(dropped) }), said('check:saw.lossLines', { count: seen }))
    }
    case 'exits':
      return exitVerdict(run.program, p.code)
  }
}

const list = (seqs: Array<number | undefined>): string => seqs.map((n) => (n === undefined ? '?' : String(n))).join(', ') || '-'
