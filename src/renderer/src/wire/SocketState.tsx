// What each socket is doing now: every endpoint of the lab with its state in the words of the
// slides (listening, blocked in accept(), blocked in recv(), sending, closed), the connections an
// iterative server has not accepted yet, and where the OS shows it the kernel's TCP state of each
// of its connections (LISTEN, ESTABLISHED, FIN_WAIT2, TIME_WAIT ...), updated while the lab runs.
// The cards come in the order the window gives (the current lab's server, then its clients), and
// each lists at most ROWS_SHOWN kernel rows with a line counting them all: thousands of connections
// render as a bounded number of nodes.

import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { formatSockAddr } from '../../../shared/events'
import type { KernelSocket } from '../../../shared/kernel-tcp'
import { KERNEL_STATE_SAID } from '../../../shared/kernel-tcp'
import type { CaptureStore } from './capture-store'
import { sayIn } from './words'
import type { EventStore } from '../feed/event-store'
import { groupLine, kernelOwners, rowsToShow, socketActivity, type ConnectionActivity, type EndpointActivity } from './socket-activity'

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
  const { t } = useTranslation('wire')
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
    <section className="log sockets" aria-label={t('sockets.label')} data-testid="socket-state">
      <div className="log-bar">
        <h2>{t('sockets.title')}</h2>
        <span className="count" data-testid="kernel-note">
          {kernel === undefined ? t('sockets.reading') : kernel.exposed ? t('sockets.fromProc') : sayIn(t, kernel.reason)}
        </span>
      </div>
      <div className="sockets-body">
        {shown.length === 0 && <p className="wire-empty">{t('sockets.empty')}</p>}
        {shown.map((a) => (
          <EndpointCard key={a.endpoint} activity={a} name={nameOf(a.endpoint) ?? a.endpoint} kernel={own.get(a.endpoint) ?? []} exposed={kernel?.exposed === true} />
        ))}
        {others.length > 0 && (
          <div className="socket-card" data-testid="socket-others">
            <h3>{t('sockets.others')}</h3>
            <p className="muted">{t('sockets.othersWhy')}</p>
            <KernelList sockets={others} />
          </div>
        )}
      </div>
    </section>
  )
}

function EndpointCard({ activity: a, name, kernel, exposed }: { activity: EndpointActivity; name: string; kernel: KernelSocket[]; exposed: boolean }): React.JSX.Element {
  const { t } = useTranslation('wire')
  const backlogPeers = useMemo(() => new Set(a.backlog.map((c) => (c.remote ? formatSockAddr(c.remote) : '?'))), [a.backlog])
  return (
    <div className="socket-card" data-testid="socket-card" data-endpoint={a.endpoint}>
      <h3>
        {name}{' '}
        <span className="muted" translate="no">
          {a.local ? formatSockAddr(a.local) : a.proto}
        </span>
      </h3>
      <p className={`socket-now tone-${a.tone}`} data-testid="socket-now">
        {sayIn(t, a.now)}
      </p>
      {a.connections.length > 1 && <ConnectionLines connections={a.connections} />}
      {a.backlog.length > 0 && (
        <p className="socket-backlog" data-testid="socket-backlog">
          {t('sockets.backlog', { count: a.backlog.length, peers: firstOf(t, [...backlogPeers]) })}
        </p>
      )}
      {exposed && a.proto !== 'UDP' && <KernelList sockets={kernel} backlogPeers={backlogPeers} />}
    </div>
  )
}

/** "a, b, c and 4,997 more": the first CONNECTIONS_SHOWN of a list of addresses. */
function firstOf(t: TFunction<'wire'>, items: readonly string[]): string {
  const rest = items.length - CONNECTIONS_SHOWN
  return rest > 0 ? t('sockets.andMore', { list: items.slice(0, CONNECTIONS_SHOWN).join(', '), count: rest }) : items.join(', ')
}

function ConnectionLines({ connections }: { connections: readonly ConnectionActivity[] }): React.JSX.Element {
  const { t } = useTranslation('wire')
  const rest = connections.length - CONNECTIONS_SHOWN
  return (
    <>
      {connections.slice(0, CONNECTIONS_SHOWN).map((c) => (
        <p key={c.conn} className={`socket-conn tone-${c.tone}`}>
          {t('sockets.connection', { conn: c.conn, peer: c.remote ? formatSockAddr(c.remote) : '?', doing: sayIn(t, c.doing) })}
        </p>
      ))}
      {rest > 0 && <p className="socket-conn muted">{t('sockets.moreConnections', { count: rest })}</p>}
    </>
  )
}

/**
 * Node accepts each connection as soon as the kernel has it, so the kernel's accept queue stays
 * empty; socklab keeps the waiting ones itself (`heldBacklog`) to behave like the course's iterative
 * server. Said on the LISTEN row, so that its 0 does not contradict the backlog above it.
 */
function listenWords(t: TFunction<'wire'>, recvQueue: number, heldBacklog: number): string {
  if (recvQueue === 0 && heldBacklog > 0) return t('sockets.acceptQueueEmpty')
  return t('sockets.acceptQueue', { count: recvQueue })
}

/**
 * What a kernel socket row says after its state. A connection in socklab's backlog is ESTABLISHED
 * for the kernel, but the server has not accept()ed it: its row says so, as the backlog line does.
 */
function kernelWords(t: TFunction<'wire'>, s: KernelSocket, backlogPeers: ReadonlySet<string>): string {
  if (s.state === 'LISTEN') return listenWords(t, s.recvQueue, backlogPeers.size)
  if (s.state === 'ESTABLISHED' && backlogPeers.has(formatSockAddr(s.remote))) return t('sockets.inBacklog')
  return `· ${sayIn(t, KERNEL_STATE_SAID[s.state])}`
}

const NO_PEERS: ReadonlySet<string> = new Set()

function KernelList({ sockets, backlogPeers = NO_PEERS }: { sockets: KernelSocket[]; backlogPeers?: ReadonlySet<string> }): React.JSX.Element {
  const { t } = useTranslation('wire')
  const { rows, counts } = useMemo(() => rowsToShow(sockets), [sockets])
  if (sockets.length === 0) return <p className="muted">{t('sockets.noKernelSocket')}</p>
  return (
    <>
      {rows.length < sockets.length && (
        <p className="kernel-group" data-testid="kernel-group">
          {groupLine(t, counts, rows.length)}
        </p>
      )}
      <KernelRows rows={rows} backlogPeers={backlogPeers} />
    </>
  )
}

function KernelRows({ rows, backlogPeers }: { rows: KernelSocket[]; backlogPeers: ReadonlySet<string> }): React.JSX.Element {
  const { t } = useTranslation('wire')
  return (
    <ul className="kernel-list" data-testid="kernel-list">
      {rows.map((s) => (
        <li key={`${s.state}${formatSockAddr(s.local)}${formatSockAddr(s.remote)}${s.inode}`} data-testid="kernel-socket" data-state={s.state} title={sayIn(t, KERNEL_STATE_SAID[s.state])}>
          <span translate="no">
            <span className={`kernel-state state-${s.state}`}>{s.state}</span> {formatSockAddr(s.local)}
            {s.state === 'LISTEN' ? '' : ` ↔ ${formatSockAddr(s.remote)}`}
          </span>
          <span className="muted"> {kernelWords(t, s, backlogPeers)}</span>
        </li>
      ))}
    </ul>
  )
}
