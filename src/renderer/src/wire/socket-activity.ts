// What each endpoint is doing now, read from the event stream the way a student reads the course
// programs: a TCP server is blocked in accept() until a connection comes, then in recv() on it; a
// client is blocked in recv() once it has sent. Pure: events in, one line per endpoint out, as a
// Said of the catalog `wire` (activity.*) that the Sockets view words. The
// kernel's own view of the same sockets (LISTEN, TIME_WAIT ...) is matched to them here too, by
// facts only: a row is an endpoint's when its 4-tuple is one of the endpoint's connections (or its
// listening socket), never because it shares a port: `nc` or python on the lab's port are not the lab.

import type { LabEvent, Proto, Role, SockAddr } from '../../../shared/events'
import { formatSockAddr } from '../../../shared/events'
import { ROLES } from '../../../shared/endpoint-kinds'
import type { KernelSocket, KernelTcpState } from '../../../shared/kernel-tcp'
import type { TFunction } from 'i18next'
import { said, type Said } from '../../../shared/i18n/said'

/** How the state looks: waiting on the network, working, waiting on the student, gone. */
export type ActivityTone = 'blocked' | 'busy' | 'idle' | 'closed'

export interface ConnectionActivity {
  conn: number
  local?: SockAddr
  remote?: SockAddr
  doing: Said
  tone: ActivityTone
}

export interface EndpointActivity {
  endpoint: string
  role: Role
  proto: Proto
  /** What it does now, in the words of the slides: "blocked in accept()". */
  now: Said
  tone: ActivityTone
  /** A server's bound address. */
  local?: SockAddr
  /** Connections it holds open (accepted, or connected), newest last. */
  connections: ConnectionActivity[]
  /** Connections the kernel finished that the program has not accept()ed yet (an iterative server's backlog). */
  backlog: ConnectionActivity[]
  /**
   * The 4-tuples (tupleKey) of every TCP connection it had, open or closed (the kernel keeps some
   * after close, in TIME_WAIT): the server's accepted and queued ones, the client's connected ones.
   */
  tuples: ReadonlySet<string>
}

/** "127.0.0.1:40000" as the kernel lists it: an IPv4-mapped IPv6 address is the IPv4 address it carries. */
function addrKey(a: SockAddr): string {
  const address = a.address.toLowerCase()
  return `${address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address}#${a.port}`
}

/** One connection's identity, the same in the lab's events and in /proc/net/tcp. */
export function tupleKey(local: SockAddr, remote: SockAddr): string {
  return `${addrKey(local)}>${addrKey(remote)}`
}

const peer = (a?: SockAddr): string | Said => (a ? formatSockAddr(a) : said('wire:activity.aPeer'))

interface Tracking extends EndpointActivity {
  tuples: Set<string>
  closed: boolean
  /** Clients: the state of the one exchange. */
  step?: { doing: Said; tone: ActivityTone }
  open: Map<number, ConnectionActivity>
  queued: Map<number, ConnectionActivity>
}

function fresh(e: LabEvent): Tracking {
  const client = e.role === 'client'
  return {
    endpoint: e.endpoint,
    role: e.role,
    proto: e.proto,
    now: said('wire:activity.waitingInput'),
    tone: 'idle',
    connections: [],
    backlog: [],
    tuples: new Set(),
    closed: false,
    step: client ? { doing: said('wire:activity.nothingSent'), tone: 'idle' } : undefined,
    open: new Map(),
    queued: new Map()
  }
}

/** A TCP connection the lab saw this endpoint hold. */
function remember(t: Tracking, e: LabEvent): void {
  if (e.proto !== 'UDP' && e.local && e.remote) t.tuples.add(tupleKey(e.local, e.remote))
}

function serverStep(t: Tracking, e: LabEvent): void {
  const c = (doing: Said, tone: ActivityTone): ConnectionActivity => ({ conn: e.conn, local: e.local, remote: e.remote, doing, tone })
  const udp = e.proto === 'UDP'
  switch (e.kind) {
    case 'listen':
    case 'bind':
      t.local = e.local
      t.closed = false
      return
    case 'queued':
      t.queued.set(e.conn, c(said('wire:activity.inBacklog'), 'blocked'))
      remember(t, e)
      return
    case 'accept':
      t.queued.delete(e.conn)
      t.open.set(e.conn, c(said('wire:activity.blockedRecv'), 'blocked'))
      remember(t, e)
      return
    case 'recv':
      if (udp) t.step = { doing: said('wire:activity.replyingTo', { peer: peer(e.remote) }), tone: 'busy' }
      else t.open.set(e.conn, c(said('wire:activity.replying'), 'busy'))
      return
    case 'send':
      if (udp) t.step = undefined
      else if (t.open.has(e.conn)) t.open.set(e.conn, c(said('wire:activity.closing'), 'busy'))
      return
    case 'reset':
      if (t.open.has(e.conn)) t.open.set(e.conn, c(said('wire:activity.peerReset'), 'busy'))
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

/** How each role's events move its state: a relay listens (or binds) and serves connections as a server does. */
const STEP: Record<Role, (t: Tracking, e: LabEvent) => void> = { server: (t, e) => serverStep(t, e), relay: (t, e) => serverStep(t, e), client: (t, e) => clientStep(t, e) }

function clientStep(t: Tracking, e: LabEvent): void {
  const udp = e.proto === 'UDP'
  const recvCall = udp ? 'recvfrom()' : 'recv()'
  switch (e.kind) {
    case 'connect':
      t.closed = false
      t.open.set(e.conn, { conn: e.conn, local: e.local, remote: e.remote, doing: said('wire:activity.connected'), tone: 'idle' })
      remember(t, e)
      t.step = { doing: said('wire:activity.connectedTo', { peer: peer(e.remote) }), tone: 'idle' }
      return
    case 'send':
      t.closed = false
      t.step = { doing: said('wire:activity.waitingReply', { call: recvCall }), tone: 'blocked' }
      return
    case 'recv':
      // HTTP reads until the server closes; the course's TCP and UDP clients read once.
      t.step = e.proto === 'HTTP' && e.length > 0 ? { doing: said('wire:activity.readingToEnd'), tone: 'blocked' } : { doing: said('wire:activity.gotReply'), tone: 'idle' }
      return
    case 'reset':
    case 'error':
      // What failed, as the error event says it (a Said, worded where the step is shown).
      t.step = { doing: said('wire:activity.failed', { info: e.detail.said }), tone: 'closed' }
      return
    case 'close':
      t.open.delete(e.conn)
      t.step = { doing: udp ? said('wire:activity.udpClosed') : e.proto === 'HTTP' ? said('wire:activity.closedNextFetch') : said('wire:activity.closedNextSentence'), tone: 'closed' }
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
    STEP[e.role](t, e)
  }
  const out = new Map<string, EndpointActivity>()
  for (const [id, t] of all) out.set(id, finish(t))
  return out
}

function finish(t: Tracking): EndpointActivity {
  const connections = [...t.open.values()]
  const backlog = [...t.queued.values()]
  let now: Said
  let tone: ActivityTone
  if (t.role === 'client') {
    ;({ doing: now, tone } = t.step ?? { doing: said('wire:activity.waitingInput'), tone: 'idle' })
  } else if (t.closed) {
    now = said('wire:activity.serverClosed')
    tone = 'closed'
  } else if (t.proto === 'UDP') {
    ;({ doing: now, tone } = t.step ?? { doing: said('wire:activity.udpWaiting'), tone: 'blocked' })
  } else if (connections.length === 0) {
    now = said('wire:activity.listening')
    tone = 'blocked'
  } else if (connections.length === 1) {
    const c = connections[0]
    now = said('wire:activity.serving', { peer: peer(c.remote), doing: c.doing })
    tone = c.tone
  } else {
    now = said('wire:activity.servingMany', { count: connections.length })
    tone = 'busy'
  }
  return { endpoint: t.endpoint, role: t.role, proto: t.proto, now, tone, local: t.local, connections, backlog, tuples: t.tuples }
}

const WILDCARDS = new Set(['0.0.0.0', '::'])

/** Whether a LISTEN row is this server's listening socket: its port, and its address (a wildcard only matches a wildcard). */
function isListenerOf(a: EndpointActivity, s: KernelSocket): boolean {
  if (s.state !== 'LISTEN' || !a.local || a.local.port !== s.local.port) return false
  const mine = a.local.address.toLowerCase()
  return WILDCARDS.has(mine) ? WILDCARDS.has(s.local.address) : addrKey(a.local) === addrKey(s.local)
}

/** States of a connection the kernel holds for a listening socket before accept() takes it (a client that closed while it waited is CLOSE_WAIT). */
const QUEUED_STATES: ReadonlySet<KernelTcpState> = new Set(['SYN_RECV', 'ESTABLISHED', 'CLOSE_WAIT'])

/**
 * A connection the lab has not heard of yet, on the address and port a server listens on: the
 * kernel queued it for that server's accept() (Node had not taken it yet). No other socket can
 * hold that local port while the server listens there, so it is the server's.
 */
function isQueuedFor(a: EndpointActivity, s: KernelSocket): boolean {
  if (!QUEUED_STATES.has(s.state) || !a.local || a.local.port !== s.local.port) return false
  return WILDCARDS.has(a.local.address.toLowerCase()) || addrKey(a.local) === addrKey(s.local)
}

/** The kernel's rows, each given to the endpoint it belongs to, and those no running endpoint holds. */
export interface KernelOwners {
  own: Map<string, KernelSocket[]>
  others: KernelSocket[]
}

/**
 * Gives each kernel row to the endpoint whose it is: a server its LISTEN row, the connections
 * the lab saw it accept or queue and those the kernel still queues for it, a client the
 * connections it opened. A row no endpoint claims by
 * its 4-tuple is another program's, or an endpoint's the window no longer knows (stopped): `others`.
 * One pass over the rows with a map of the 4-tuples: 10,000 rows cost a few milliseconds.
 */
export function kernelOwners(endpoints: readonly EndpointActivity[], sockets: readonly KernelSocket[]): KernelOwners {
  const byTuple = new Map<string, string>()
  const own = new Map<string, KernelSocket[]>()
  for (const a of endpoints) {
    own.set(a.endpoint, [])
    if (a.proto === 'UDP') continue
    for (const key of a.tuples) byTuple.set(key, a.endpoint)
  }
  const listeners = endpoints.filter((a) => ROLES[a.role].listens && a.proto !== 'UDP' && a.local)
  // Another program listening on a specific address of a port the lab's wildcard server holds queues its own connections there.
  const foreignListens = new Set(sockets.filter((s) => s.state === 'LISTEN' && !listeners.some((a) => isListenerOf(a, s))).map((s) => addrKey(s.local)))
  const queuedFor = (s: KernelSocket): string | undefined => (foreignListens.has(addrKey(s.local)) ? undefined : listeners.find((a) => isQueuedFor(a, s))?.endpoint)
  const others: KernelSocket[] = []
  for (const s of sockets) {
    const owner = s.state === 'LISTEN' ? listeners.find((a) => isListenerOf(a, s))?.endpoint : (byTuple.get(tupleKey(s.local, s.remote)) ?? queuedFor(s))
    if (owner === undefined) others.push(s)
    else own.get(owner)!.push(s)
  }
  return { own, others }
}

/** Kernel rows a card lists at most (the rarest states first); a line counts them all. */
export const ROWS_SHOWN = 50
/**
 * The rows a card lists: LISTEN first, then the rarest states (a TIME_WAIT among thousands of
 * ESTABLISHED is what the student looks for), each state in the kernel's order; and how many of
 * each state there are in all.
 */
export function rowsToShow(sockets: readonly KernelSocket[], limit = ROWS_SHOWN): { rows: KernelSocket[]; counts: Map<KernelTcpState, number> } {
  const counts = new Map<KernelTcpState, number>()
  for (const s of sockets) counts.set(s.state, (counts.get(s.state) ?? 0) + 1)
  const rank = (s: KernelSocket): number => (s.state === 'LISTEN' ? -1 : counts.get(s.state)!)
  const rows = sockets.length <= limit ? [...sockets] : [...sockets].sort((a, b) => rank(a) - rank(b)).slice(0, limit)
  return { rows, counts }
}

/** "5,000 connections: 4,998 ESTABLISHED, 2 TIME_WAIT (showing 50)" in t's language; the listening socket is not a connection. */
export function groupLine(t: TFunction<'wire'>, counts: ReadonlyMap<KernelTcpState, number>, shown: number): string {
  const states = [...counts].filter(([state]) => state !== 'LISTEN').sort((a, b) => b[1] - a[1])
  const connections = states.reduce((n, [, c]) => n + c, 0)
  const each = states.map(([state, c]) => t('kernel.groupState', { count: c, state })).join(t('kernel.groupSeparator'))
  return t('kernel.group', { count: connections, each, shown })
}
