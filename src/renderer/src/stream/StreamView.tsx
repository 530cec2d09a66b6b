// Writes against reads: one connection's bytes in both directions, each as two lanes on one byte
// axis, the writer's send() calls above the reader's recv() calls, so that a student sees their
// boundaries not match (TCP is a byte stream), or match one for one (UDP keeps each datagram, and
// recvfrom() cuts a longer one, drawn cut). The connection is the selected log row's, else the one
// with the newest bytes. Sizes are in rem: they follow the window's zoom.

import { useCallback, useMemo, useSyncExternalStore } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { formatSockAddr } from '../../../shared/events'
import { say, type Said } from '../../../shared/i18n/said'
import type { EventStore } from '../feed/event-store'
import { chooseConnection, streamConnections, streamPicture, type Direction, type End, type Piece, type StreamConnection } from './stream-model'
import './stream.css'

interface Props {
  events: EventStore
  /** The packet log's selected row (its seq): its connection is drawn. */
  selected?: number
  /** A piece clicked: select its call in the packet log. */
  onPick: (seq: number) => void
  /** "TCP Server", "UDP Client 2" for an endpoint id. */
  nameOf: (endpointId: string) => string | undefined
}

const sayIn = (t: TFunction<'stream'>, s: Said): string => say(t as unknown as TFunction, s)

export function StreamView({ events, selected, onPick, nameOf }: Props): React.JSX.Element {
  const { t } = useTranslation('stream')
  const received = useSyncExternalStore(
    useCallback((listener: () => void) => events.subscribe(listener), [events]),
    () => events.stats.received
  )
  // The count of events received stands for the events held.
  const connections = useMemo(() => streamConnections(events.all()), [events, received])
  const chosen = chooseConnection(connections, selected)
  const picture = useMemo(() => chosen && streamPicture(chosen), [chosen])
  const n = chosen ? connections.indexOf(chosen) + 1 : 0
  return (
    <section className="log stream" aria-label={t('label')} data-testid="stream-view">
      <div className="log-bar">
        <h2>{t('title')}</h2>
        {chosen && <ConnectionName t={t} c={chosen} n={n} nameOf={nameOf} />}
      </div>
      <div className="stream-body">
        {picture ? (
          picture.directions.map((d) => <DirectionLanes key={d.from} d={d} udp={chosen!.proto === 'UDP'} onPick={onPick} />)
        ) : (
          <p className="wire-empty" data-testid="stream-empty">
            {t('empty')}
          </p>
        )}
      </div>
    </section>
  )
}

function ConnectionName({ t, c, n, nameOf }: { t: TFunction<'stream'>; c: StreamConnection; n: number; nameOf: Props['nameOf'] }): React.JSX.Element {
  const leg = c.client ?? c.server!
  const client = c.client ? c.client.local : c.server?.remote
  const server = c.client ? c.client.remote : c.server?.local
  const names = [c.client && nameOf(c.client.endpoint), c.server && nameOf(c.server.endpoint)].filter(Boolean).join(' · ')
  return (
    <span className="count stream-connection" data-testid="stream-connection" title={`${t('connectionTitle', { n })}: ${names}`}>
      {names && <span className="stream-names">{names} </span>}
      <span translate="no" data-endpoint={leg.endpoint}>
        {t('connection', { client: client ? formatSockAddr(client) : '?', server: server ? formatSockAddr(server) : '?' })}
      </span>
    </span>
  )
}

function sideName(t: TFunction<'stream'>, r: End): string {
  return r === 'client' ? t('side.client') : t('side.server')
}

function DirectionLanes({ d, udp, onPick }: { d: Direction; udp: boolean; onPick: (seq: number) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  return (
    <div className="stream-direction" data-testid="stream-direction" data-from={d.from}>
      <p className="stream-caption">
        <strong>{t('direction', { from: sideName(t, d.from), to: sideName(t, d.to) })}</strong>{' '}
        <span data-testid="stream-caption">{sayIn(t, d.caption)}</span>{' '}
        {d.total > 0 && <span className="stream-total">{t('axis', { count: d.total })}</span>}
      </p>
      <Lane lane="writes" side={d.from} pieces={d.writes} total={d.total} udp={udp} onPick={onPick} />
      <Lane lane="reads" side={d.to} pieces={d.reads} total={d.total} udp={udp} onPick={onPick} />
    </div>
  )
}

function laneName(t: TFunction<'stream'>, lane: 'writes' | 'reads', side: End): string {
  // t('lane.writes') t('lane.reads')
  return `${sideName(t, side)} · ${t(`lane.${lane}`)}`
}

const pct = (n: number, total: number): string => `${(100 * n) / Math.max(1, total)}%`

function Lane({ lane, side, pieces, total, udp, onPick }: { lane: 'writes' | 'reads'; side: End; pieces?: Piece[]; total: number; udp: boolean; onPick: (seq: number) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  return (
    <div className={`stream-lane ${lane}`} data-testid="stream-lane" data-lane={lane} data-side={side} data-count={pieces?.length ?? ''}>
      <span className="stream-lane-name">{laneName(t, lane, side)}</span>
      <div className="stream-track">
        {pieces === undefined ? (
          <span className="stream-unseen">{t('piece.unseen')}</span>
        ) : (
          pieces.map((p) => <PieceBar key={p.seq} p={p} lane={lane} total={total} udp={udp} onPick={onPick} />)
        )}
      </div>
    </div>
  )
}

function pieceTitle(t: TFunction<'stream'>, p: Piece, lane: 'writes' | 'reads'): string {
  const range = { n: p.n, from: p.from, to: p.to, bytes: p.to - p.from }
  if (lane === 'writes') return t('piece.write', range)
  if (p.cut !== undefined) return t('piece.cut', { n: p.n, bytes: p.to - p.from, cut: p.cut })
  if (p.unread !== undefined) return t('piece.readUnread', { ...range, unread: p.unread })
  return t('piece.read', range)
}

function PieceBar({ p, lane, total, udp, onPick }: { p: Piece; lane: 'writes' | 'reads'; total: number; udp: boolean; onPick: (seq: number) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  const title = pieceTitle(t, p, lane)
  const kept = p.to - p.from - (p.cut ?? 0)
  return (
    <>
      <button
        type="button"
        className={`stream-piece ${lane}${udp ? ' datagram' : ''}`}
        style={{ left: pct(p.from, total), width: pct(p.to - p.from, total) }}
        title={title}
        aria-label={title}
        data-testid="stream-piece"
        data-from={p.from}
        data-to={p.to}
        onClick={() => onPick(p.seq)}
      >
        <span className="stream-piece-kept" style={{ width: pct(kept, p.to - p.from) }}>
          {t('bar', { bytes: kept })}
        </span>
        {p.cut !== undefined && (
          <span className="stream-cut" data-testid="stream-cut" style={{ width: pct(p.cut, p.to - p.from) }}>
            {t('cutMark', { count: p.cut })}
          </span>
        )}
      </button>
      {p.unread !== undefined && (
        <span className="stream-unread" data-testid="stream-unread" style={{ left: pct(p.to, total), width: pct(p.unread, total) }} title={title}>
          {t('unreadMark', { count: p.unread })}
        </span>
      )}
    </>
  )
}
