// A keep-open TCP server's open connections, in its panel's head ("2 open connections"), opening
// into a list over the console: each client's address and port, how many reads it has carried, and
// Close (the server closes that one connection, as its close() would).
// From the events alone (open-connections.ts): a second window and a reload show the same list.

import { useCallback, useMemo, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { formatSockAddr } from '../../../shared/events'
import type { EventStore } from '../feed/event-store'
import { openConnections } from './open-connections'
import './stream.css'

/** Rows the list shows at most (it opens over the console). */
const SHOWN = 8

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
  // In the panel's head, where a projector's window has room: a line under the fields would cost the console its lines.
  return (
    <details className="connection-list" data-testid="connection-list">
      <summary title={t('open.hint')} data-testid="connection-list-toggle">
        {t('open.title', { count: open.length })}
      </summary>
      <div className="connection-popover" role="group" aria-label={t('open.label')}>
        {open.length === 0 && <p className="muted">{t('open.none')}</p>}
        {open.slice(0, SHOWN).map((c) => (
          <p key={c.conn} className="open-connection" data-testid="open-connection" data-conn={c.conn}>
            <span translate="no" className="open-peer">
              {c.remote ? formatSockAddr(c.remote) : '?'}
            </span>{' '}
            <span className="muted">{c.accepted ? t('n.reads', { count: c.messages }) : t('open.waiting')}</span>
            {onClose && c.accepted && (
              <button type="button" className="small" title={t('open.closeHint', { peer: c.remote ? formatSockAddr(c.remote) : '?' })} onClick={() => onClose(c.conn)} data-testid="open-connection-close">
                {t('open.close')}
              </button>
            )}
          </p>
        ))}
        {rest > 0 && <p className="muted">{t('open.more', { count: rest })}</p>}
      </div>
    </details>
  )
}
