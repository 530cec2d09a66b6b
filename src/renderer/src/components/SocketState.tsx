// What each socket is doing now: every endpoint of the lab with its state in the words of the
// slides (listening, blocked in accept(), blocked in recv(), sending, closed), the connections an
// iterative server has not accepted yet, and where the OS shows it the kernel's TCP state of each
// of its connections (LISTEN, ESTABLISHED, FIN_WAIT2, TIME_WAIT ...), updated while the lab runs.

import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { formatSockAddr } from '../../../shared/events'
import type { KernelSocket } from '../../../shared/kernel-tcp'
import { KERNEL_STATE_WORDS } from '../../../shared/kernel-tcp'
import type { CaptureStore } from '../capture-store'
import type { EventStore } from '../event-store'
import { kernelSocketsOf, socketActivity, type EndpointActivity } from '../socket-activity'

interface Props {
  store: CaptureStore
  events: EventStore
  /** "TCP Server", "UDP Client 2": the name the student knows; undefined for an endpoint no panel shows. */
  nameOf: (endpointId: string) => string | undefined
  /** Endpoint ids running now. */
  running: ReadonlySet<string>
}

export function SocketState({ store, events, nameOf, running }: Props): React.JSX.Element {
  useSyncExternalStore(store.subscribe, store.getVersion)
  const received = useSyncExternalStore(useCallback((listener: () => void) => events.subscribe(listener), [events]), () => events.stats.received)
  // The count of events received stands for the events held.
  const activity = useMemo(() => socketActivity(events.all()), [events, received])
  const kernel = store.kernel
  const sockets = kernel?.exposed ? kernel.sockets : []
  const shown = [...activity.values()].filter((a) => running.has(a.endpoint))
  const claimed = new Set<KernelSocket>()
  const rows = shown.map((a) => {
    const own = kernelSocketsOf(a, sockets)
    own.forEach((s) => claimed.add(s))
    return { a, own }
  })
  const others = sockets.filter((s) => !claimed.has(s))

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
        {rows.map(({ a, own }) => (
          <EndpointCard key={a.endpoint} activity={a} name={nameOf(a.endpoint) ?? a.endpoint} kernel={own} exposed={kernel?.exposed === true} />
        ))}
        {others.length > 0 && (
          <div className="socket-card" data-testid="socket-others">
            <h3>Other sockets on the lab’s ports</h3>
            <p className="muted">No running endpoint holds these: a program that closed (its side waits in TIME_WAIT), or another program.</p>
            <KernelList sockets={others} />
          </div>
        )}
      </div>
    </section>
  )
}

function EndpointCard({ activity: a, name, kernel, exposed }: { activity: EndpointActivity; name: string; kernel: KernelSocket[]; exposed: boolean }): React.JSX.Element {
  const backlogPeers = a.backlog.map((c) => (c.remote ? formatSockAddr(c.remote) : '?'))
  return (
    <div className="socket-card" data-testid="socket-card" data-endpoint={a.endpoint}>
      <h3>
        {name} <span className="muted">{a.local ? formatSockAddr(a.local) : a.proto}</span>
      </h3>
      <p className={`socket-now tone-${a.tone}`} data-testid="socket-now">
        {a.now}
      </p>
      {a.connections.length > 1 &&
        a.connections.map((c) => (
          <p key={c.conn} className={`socket-conn tone-${c.tone}`}>
            connection {c.conn} with {c.remote ? formatSockAddr(c.remote) : '?'}: {c.doing}
          </p>
        ))}
      {a.backlog.length > 0 && (
        <p className="socket-backlog" data-testid="socket-backlog">
          Backlog: {a.backlog.length} {a.backlog.length === 1 ? 'connection waits' : 'connections wait'} for accept(), held by socklab (handshake done): {backlogPeers.join(', ')}
        </p>
      )}
      {exposed && a.proto !== 'UDP' && <KernelList sockets={kernel} backlogPeers={backlogPeers} />}
    </div>
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
function kernelWords(s: KernelSocket, backlogPeers: readonly string[]): string {
  if (s.state === 'LISTEN') return listenWords(s.recvQueue, backlogPeers.length)
  if (s.state === 'ESTABLISHED' && backlogPeers.includes(formatSockAddr(s.remote))) return '· handshake done, waits in the backlog for accept()'
  return `· ${KERNEL_STATE_WORDS[s.state]}`
}

function KernelList({ sockets, backlogPeers = [] }: { sockets: KernelSocket[]; backlogPeers?: readonly string[] }): React.JSX.Element {
  if (sockets.length === 0) return <p className="muted">The kernel holds no TCP socket for it now.</p>
  return (
    <ul className="kernel-list" data-testid="kernel-list">
      {sockets.map((s) => (
        <li key={`${s.state}${formatSockAddr(s.local)}${formatSockAddr(s.remote)}${s.inode}`} data-testid="kernel-socket" data-state={s.state} title={KERNEL_STATE_WORDS[s.state]}>
          <span className={`kernel-state state-${s.state}`}>{s.state}</span> {formatSockAddr(s.local)}
          {s.state === 'LISTEN' ? '' : ` ↔ ${formatSockAddr(s.remote)}`}
          <span className="muted"> {kernelWords(s, backlogPeers)}</span>
        </li>
      ))}
    </ul>
  )
}
