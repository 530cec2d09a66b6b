// What each endpoint is doing now, read from the event stream the way a student reads the course
// programs: a TCP server is blocked in accept() until a connection comes, then in recv() on it; a
// client is blocked in recv() once it has sent. Pure: events in, one line per endpoint out. The
// kernel's own view of the same sockets (LISTEN, TIME_WAIT ...) is matched to them here too.

import type { LabEvent, Proto, Role, SockAddr } from '../../shared/events'
import { formatSockAddr } from '../../shared/events'
import type { KernelSocket } from '../../shared/kernel-tcp'

/** How the state looks: waiting on the network, working, waiting on the student, gone. */
export type ActivityTone = 'blocked' | 'busy' | 'idle' | 'closed'

export interface ConnectionActivity {
  conn: number
  local?: SockAddr
  remote?: SockAddr
  doing: string
  tone: ActivityTone
}

export interface EndpointActivity {
  endpoint: string
  role: Role
  proto: Proto
  /** What it does now, in the words of the slides: "blocked in accept()". */
  now: string
  tone: ActivityTone
  /** A server's bound address. */
  local?: SockAddr
  /** Connections it holds open (accepted, or connected), newest last. */
  connections: ConnectionActivity[]
  /** Connections the kernel finished that the program has not accept()ed yet (an iterative server's backlog). */
  backlog: ConnectionActivity[]
  /** Local addresses of every connection it had: the kernel keeps some of them after close (TIME_WAIT). */
  usedLocals: SockAddr[]
}

const peer = (a?: SockAddr): string => (a ? formatSockAddr(a) : 'a peer')

interface Tracking extends EndpointActivity {
  closed: boolean
  /** Clients: the state of the one exchange. */
  step?: { doing: string; tone: ActivityTone }
  open: Map<number, ConnectionActivity>
  queued: Map<number, ConnectionActivity>
}

function fresh(e: LabEvent): Tracking {
  const client = e.role === 'client'
  return {
    endpoint: e.endpoint,
    role: e.role,
    proto: e.proto,
    now: '',
    tone: 'idle',
    connections: [],
    backlog: [],
    usedLocals: [],
    closed: false,
    step: client ? { doing: 'waiting for input (nothing sent yet)', tone: 'idle' } : undefined,
    open: new Map(),
    queued: new Map()
  }
}

function remember(t: Tracking, local?: SockAddr): void {
  if (local && !t.usedLocals.some((a) => a.port === local.port && a.address === local.address)) t.usedLocals.push(local)
}

function serverStep(t: Tracking, e: LabEvent): void {
  const c = (doing: string, tone: ActivityTone): ConnectionActivity => ({ conn: e.conn, local: e.local, remote: e.remote, doing, tone })
  const udp = e.proto === 'UDP'
  switch (e.kind) {
    case 'listen':
    case 'bind':
      t.local = e.local
      t.closed = false
      return
    case 'queued':
      t.queued.set(e.conn, c('waits in the backlog for accept()', 'blocked'))
      return
    case 'accept':
      t.queued.delete(e.conn)
      t.open.set(e.conn, c('blocked in recv()', 'blocked'))
      remember(t, e.local)
      return
    case 'recv':
      if (udp) t.step = { doing: `sending the reply to ${peer(e.remote)}`, tone: 'busy' }
      else t.open.set(e.conn, c('sending the reply', 'busy'))
      return
    case 'send':
      if (udp) t.step = undefined
      else if (t.open.has(e.conn)) t.open.set(e.conn, c('closing the connection', 'busy'))
      return
    case 'reset':
      if (t.open.has(e.conn)) t.open.set(e.conn, c('the peer reset the connection', 'busy'))
      return
    case 'close':
      if (e.conn === 0) {
        t.closed = true
        t.open.clear()
        t.queued.clear()
      } else {
        t.open.delete(e.conn)
        t.queued.delete(e.conn)
      }
      return
  }
}

function clientStep(t: Tracking, e: LabEvent): void {
  const udp = e.proto === 'UDP'
  const recvCall = udp ? 'recvfrom()' : 'recv()'
  switch (e.kind) {
    case 'connect':
      t.closed = false
      t.open.set(e.conn, { conn: e.conn, local: e.local, remote: e.remote, doing: 'connected', tone: 'idle' })
      remember(t, e.local)
      t.step = { doing: `connected to ${peer(e.remote)}`, tone: 'idle' }
      return
    case 'send':
      t.closed = false
      if (udp) remember(t, e.local)
      t.step = { doing: `blocked in ${recvCall}: waiting for the reply`, tone: 'blocked' }
      return
    case 'recv':
      // HTTP reads until the server closes; the course's TCP and UDP clients read once.
      t.step = e.proto === 'HTTP' && e.length > 0 ? { doing: 'blocked in recv(): reading until the server closes', tone: 'blocked' } : { doing: 'got the reply', tone: 'idle' }
      return
    case 'reset':
    case 'error':
      t.step = { doing: `failed: ${e.info}`, tone: 'closed' }
      return
    case 'close':
      t.open.delete(e.conn)
      t.step = { doing: udp ? 'stopped waiting: socket closed' : `closed (the next ${e.proto === 'HTTP' ? 'fetch' : 'sentence'} opens a new connection)`, tone: 'closed' }
      return
  }
}

/** The state of every endpoint that has events, by endpoint id, in order of their first event. */
export function socketActivity(events: readonly LabEvent[]): Map<string, EndpointActivity> {
  const all = new Map<string, Tracking>()
  for (const e of events) {
    if (e.kind === 'console') continue
    let t = all.get(e.endpoint)
    if (!t) all.set(e.endpoint, (t = fresh(e)))
    if (e.role === 'server') serverStep(t, e)
    else clientStep(t, e)
  }
  const out = new Map<string, EndpointActivity>()
  for (const [id, t] of all) out.set(id, finish(t))
  return out
}

function finish(t: Tracking): EndpointActivity {
  const connections = [...t.open.values()]
  const backlog = [...t.queued.values()]
  let now: string
  let tone: ActivityTone
  if (t.role === 'client') {
    ;({ doing: now, tone } = t.step ?? { doing: 'waiting for input', tone: 'idle' })
  } else if (t.closed) {
    now = 'closed: the server socket is closed'
    tone = 'closed'
  } else if (t.proto === 'UDP') {
    ;({ doing: now, tone } = t.step ?? { doing: 'blocked in recvfrom(): waiting for a datagram', tone: 'blocked' })
  } else if (connections.length === 0) {
    now = 'listening, blocked in accept(): waiting for a client to connect'
    tone = 'blocked'
  } else if (connections.length === 1) {
    const c = connections[0]
    now = `serving ${peer(c.remote)}: ${c.doing}`
    tone = c.tone
  } else {
    now = `serving ${connections.length} connections at once (and blocked in accept() for the next)`
    tone = 'busy'
  }
  return { endpoint: t.endpoint, role: t.role, proto: t.proto, now, tone, local: t.local, connections, backlog, usedLocals: t.usedLocals }
}

/**
 * The kernel's sockets of one endpoint: a server's are those on its port (its listening socket
 * and every connection it accepted), a client's those on the local ports its connections had.
 */
export function kernelSocketsOf(a: EndpointActivity, sockets: readonly KernelSocket[]): KernelSocket[] {
  if (a.role === 'server') return a.local && a.proto !== 'UDP' ? sockets.filter((s) => s.local.port === a.local!.port) : []
  return sockets.filter((s) => a.usedLocals.some((l) => l.port === s.local.port && s.remote.port !== 0))
}
