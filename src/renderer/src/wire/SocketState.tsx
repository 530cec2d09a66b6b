// What each socket is doing now: every endpoint of the lab with its state in the words of the
// slides (listening, blocked in accept(), blocked in recv(), sending, closed), the connections an
// iterative server has not accepted yet, and where the OS shows it the kernel's TCP state of each
// of its connections (LISTEN, ESTABLISHED, FIN_WAIT2, TIME_WAIT ...), updated while the lab runs.
// The cards come in the order the window gives (the current lab's server, then its clients), and
// each lists at most ROWS_SHOWN kernel rows with a line counting them all: thousands of connections
// render as a bounded number of nodes.

import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { formatSockAddr } from '../../../shared/events'
import type { KernelSocket } from '../../../shared/kernel-tcp'
import { KERNEL_STATE_WORDS } from '../../../shared/kernel-tcp'
import type { CaptureStore } from './capture-store'
import type { EventStore } from '../feed/event-store'
import { count, groupLine, kernelOwners, rowsToShow, socketActivity, type ConnectionActivity, type EndpointActivity } from './socket-activity'

/** Connection lines and backlog peers a card names at most: a projector at 200% shows a few lines of each. */
const CONNECTIONS_SHOWN = 5

interface Props {
  store: CaptureStore
  events: EventStore
  /** "TCP Server", "UDP Client 2": the name the student knows; undefined for an endpoint no panel shows. */
  nameOf: (endpointId: string) => string | undefined
  /** The ids of the endpoints running now, in the order their cards show: the current lab's server, its clients, then the other labs'. */
  order: readonly string[]
}

export function SocketState({ store, events, nameOf, order }: Props): React.JSX.Element {
  useSyncExternalStore(store.subscribe, store.getVersion)
  const received = useSyncExternalStore(useCallback((listener: () => void) => events.subscribe(listener), [events]), () => events.stats.received)
  // The count of events received stands for the events held.
  const activity = useMemo(() => socketActivity(events.all()), [events, received])
  const kernel = store.kernel
  const orderKey = order.join()
  const shown = useMemo(() => orderKey.split(',').flatMap((id) => activity.get(id) ?? []), [orderKey, activity])
  // Packets redraw this view ten times a second: the rows are given out again only when the kernel's reading or the events change.
  const { own, others } = useMemo(() => kernelOwners(shown, kernel?.exposed ? kernel.sockets : []), [shown, kernel])

  return (
    <section className="log sockets" aria-label="Socket state" data-testid="socket-state">
      <div className="log-bar">
        <h2>Sockets</h2>
        <span className="count" data-testid="kernel-note">
          {kernel === undefined ? 'reading the kernel’s TCP states…' : kernel.exposed ? 'Kernel TCP states from /proc/net/tcp, every half second' : kernel.reason}
        </span>
      </div>
      <div className="sockets-body">
        {shown.length === 0 && <p className="wire-empty">Start a server or a client: what each socket does shows here.</p>}
        {shown.map((a) => (
          <EndpointCard key={a.endpoint} activity={a} name={nameOf(a.endpoint) ?? a.endpoint} kernel={own.get(a.endpoint) ?? []} exposed={kernel?.exposed === true} />
        ))}
        {others.length > 0 && (
          <div className="socket-card" data-testid="socket-others">
            <h3>Other sockets on the lab’s ports</h3>
            <p className="muted">No running endpoint of the lab is known to hold these: another program on the same port, or an endpoint that stopped (its side may wait in TIME_WAIT).</p>
            <KernelList sockets={others} />
          </div>
        )}
      </div>
    </section>
  )
}

function EndpointCard({ activity: a, name, kernel, exposed }: { activity: EndpointActivity; name: string; kernel: KernelSocket[]; exposed: boolean }): React.JSX.Element {
  const backlogPeers = useMemo(() => new Set(a.backlog.map((c) => (c.remote ? formatSockAddr(c.remote) : '?'))), [a.backlog])
  return (
    <div className="socket-card" data-testid="socket-card" data-endpoint={a.endpoint}>
      <h3>
        {name} <span className="muted">{a.local ? formatSockAddr(a.local) : a.proto}</span>
      </h3>
      <p className={`socket-now tone-${a.tone}`} data-testid="socket-now">
        {a.now}
      </p>
      {a.connections.length > 1 && <ConnectionLines connections={a.connections} />}
      {a.backlog.length > 0 && (
        <p className="socket-backlog" data-testid="socket-backlog">
          Backlog: {count.format(a.backlog.length)} {a.backlog.length === 1 ? 'connection waits' : 'connections wait'} for accept(), held by socklab (handshake done): {firstOf([...backlogPeers], 'more')}
        </p>
      )}
      {exposed && a.proto !== 'UDP' && <KernelList sockets={kernel} backlogPeers={backlogPeers} />}
    </div>
  )
}

/** "a, b, c and 4,997 more": the first CONNECTIONS_SHOWN of a list. */
function firstOf(items: readonly string[], more: string): string {
  const rest = items.length - CONNECTIONS_SHOWN
  return rest > 0 ? `${items.slice(0, CONNECTIONS_SHOWN).join(', ')} and ${count.format(rest)} ${more}` : items.join(', ')
}

function ConnectionLines({ connections }: { connections: readonly ConnectionActivity[] }): React.JSX.Element {
  const rest = connections.length - CONNECTIONS_SHOWN
  return (
    <>
      {connections.slice(0, CONNECTIONS_SHOWN).map((c) => (
        <p key={c.conn} className={`socket-conn tone-${c.tone}`}>
          connection {c.conn} with {c.remote ? formatSockAddr(c.remote) : '?'}: {c.doing}
        </p>
      ))}
      {rest > 0 && <p className="socket-conn muted">… and {count.format(rest)} more connections</p>}
    </>
  )
}

/**
 * Node accepts each connection as soon as the kernel has it, so the kernel's accept queue stays
 * empty; socklab keeps the waiting ones itself (`heldBacklog`) to behave like the course's iterative
 * server. Said on the LISTEN row, so that its 0 does not contradict the backlog above it.
 */
function listenWords(recvQueue: number, heldBacklog: number): string {
  if (recvQueue === 0 && heldBacklog > 0) return '· kernel’s accept queue empty: Node takes connections at once, socklab holds the backlog'
  return `· ${recvQueue} waiting in the kernel’s accept queue`
}

/**
 * What a kernel socket row says after its state. A connection in socklab's backlog is ESTABLISHED
 * for the kernel, but the server has not accept()ed it: its row says so, as the backlog line does.
 */
function kernelWords(s: KernelSocket, backlogPeers: ReadonlySet<string>): string {
  if (s.state === 'LISTEN') return listenWords(s.recvQueue, backlogPeers.size)
  if (s.state === 'ESTABLISHED' && backlogPeers.has(formatSockAddr(s.remote))) return '· handshake done, waits in the backlog for accept()'
  return `· ${KERNEL_STATE_WORDS[s.state]}`
}

const NO_PEERS: ReadonlySet<string> = new Set()

function KernelList({ sockets, backlogPeers = NO_PEERS }: { sockets: KernelSocket[]; backlogPeers?: ReadonlySet<string> }): React.JSX.Element {
  const { rows, counts } = useMemo(() => rowsToShow(sockets), [sockets])
  if (sockets.length === 0) return <p className="muted">The kernel holds no TCP socket for it now.</p>
  return (
    <>
      {rows.length < sockets.length && (
        <p className="kernel-group" data-testid="kernel-group">
          {groupLine(counts, rows.length)}
        </p>
      )}
      <KernelRows rows={rows} backlogPeers={backlogPeers} />
    </>
  )
}

function KernelRows({ rows, backlogPeers }: { rows: KernelSocket[]; backlogPeers: ReadonlySet<string> }): React.JSX.Element {
  return (
    <ul className="kernel-list" data-testid="kernel-list">
      {rows.map((s) => (
        <li key={`${s.state}${formatSockAddr(s.local)}${formatSockAddr(s.remote)}${s.inode}`} data-testid="kernel-socket" data-state={s.state} title={KERNEL_STATE_WORDS[s.state]}>
          <span className={`kernel-state state-${s.state}`}>{s.state}</span> {formatSockAddr(s.local)}
          {s.state === 'LISTEN' ? '' : ` ↔ ${formatSockAddr(s.remote)}`}
          <span className="muted"> {kernelWords(s, backlogPeers)}</span>
        </li>
      ))}
    </ul>
  )
}
