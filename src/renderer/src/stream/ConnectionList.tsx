// The TCP server's open connections, under its fields: each client's address and port, how many
// reads it has carried, and Close (the server closes that one connection, as its close() would).
// From the events alone (open-connections.ts): a second window and a reload show the same list.

import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { formatSockAddr } from '../../../shared/events'
import type { EventStore } from '../feed/event-store'
import { openConnections } from './open-connections'
import './stream.css'

/** Rows shown at most: the panel keeps room for its console, also at 200%. */
const SHOWN = 3

interface Props {
  events: EventStore
  /** The running server's endpoint id; nothing is listed without one. */
  endpoint?: string
  /** Closes one connection of the server; without it, no Close button. */
  onClose?: (conn: number) => void
}

export function ConnectionList({ events, endpoint, onClose }: Props): React.JSX.Element | null {
  const { t } = useTranslation('stream')
  const received = useSyncExternalStore(
    useCallback((listener: () => void) => events.subscribe(listener), [events]),
    () => events.stats.received
  )
  // The count of events received stands for the events held.
  const open = useMemo(() => openConnections(events.all(), endpoint), [events, endpoint, received])
  if (!endpoint) return null
  const rest = open.length - SHOWN
  return (
    <div className="connection-list" data-testid="connection-list" aria-label={t('open.label')} role="group">
      <span className="connection-list-head">{t('open.title', { count: open.length })}</span>
      {open.slice(0, SHOWN).map((c) => (
        <span key={c.conn} className="open-connection" data-testid="open-connection" data-conn={c.conn}>
          <span translate="no" className="open-peer">
            {c.remote ? formatSockAddr(c.remote) : '?'}
          </span>
          <span className="muted">{c.accepted ? t('n.reads', { count: c.messages }) : t('open.waiting')}</span>
          {onClose && c.accepted && (
            <button type="button" className="small" title={t('open.closeHint', { peer: c.remote ? formatSockAddr(c.remote) : '?' })} onClick={() => onClose(c.conn)} data-testid="open-connection-close">
              {t('open.close')}
            </button>
          )}
        </span>
      ))}
      {rest > 0 && <span className="muted">{t('open.more', { count: rest })}</span>}
    </div>
  )
}
