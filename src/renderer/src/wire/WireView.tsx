// The wire view: the real packets on the lab's ports, one row each, with the handshake and the
// teardown named in words. Virtualised like the packet log; a row picks its conversation for the
// ladder. Where capture is impossible it says why and how to enable it, and nothing else.

import { memo, useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { PcapngExport, WirePacket } from '../../../shared/wire'
import { ANALYSIS_DATA_PARAMS, wireColumns } from '../../../shared/wire'
import type { CaptureFeed } from './capture-feed'
import type { CaptureStore } from './capture-store'
import { sayIn, sayParts } from './words'
import { useFollowNewest } from '../ui/use-follow-newest'
import { useWholeWindow } from '../ui/use-whole-window'
import { wholeRows } from '../log/log-layout'
import { WholeWindowButton } from '../ui/WholeWindowButton'

const OVERSCAN = 8
/** Each column with the class that places it (in two lines, the grid area it takes). */
const columns = (t: TFunction<'wire'>): [string, string][] => [
  [t('columns.no'), 'c-no'],
  [t('columns.time'), 'c-time'],
  [t('columns.source'), 'c-src'],
  [t('columns.destination'), 'c-dst'],
  [t('columns.protocol'), 'c-proto'],
  [t('columns.flags'), 'c-flags'],
  [t('columns.seqAck'), 'c-seq'],
  [t('columns.window'), 'wire-window'],
  [t('columns.length'), 'c-len'],
  [t('columns.what'), 'c-what']
]
/**
 * Narrower than this (rem: a projector at 150–200%), a row takes two lines: Source over
 * Destination, Protocol over Length, Flags over Window, and Seq / Ack and the words wrapped, so
 * that every column stays, and addresses whole (IPv4 told from IPv6). Wider, one line holds them.
 */
const TWO_LINES_BELOW_REM = 76

interface Props {
  store: CaptureStore
  feed: CaptureFeed
  /** Seconds count from here (µs since the epoch): the packet log's zero, so both share one axis. */
  zero: () => number
  zoom: number
  onExport: () => Promise<PcapngExport>
}

export function WireView({ store, feed, zero, zoom, onExport }: Props): React.JSX.Element {
  const { t } = useTranslation('wire')
  useSyncExternalStore(store.subscribe, store.getVersion)
  const [scrollTop, setScrollTop] = useState(0)
  // The space the grid gives the table: it shows whole rows of it, as the packet log does.
  const [space, setSpace] = useState(300)
  const [width, setWidth] = useState(1280)
  const [exported, setExported] = useState<{ path: string } | { error: string } | undefined>()
  const wholeWindow = useWholeWindow()
  const scroller = useRef<HTMLDivElement>(null)
  const cell = useRef<HTMLDivElement>(null)
  const twoLines = width / (16 * zoom) < TWO_LINES_BELOW_REM
  const rows = store.all()
  const rowHeight = wireRowHeight(twoLines, zoom, wholeWindow.whole ? { space, rows: rows.length } : undefined)
  const height = wholeRows(space, rowHeight)
  const follow = useFollowNewest(scroller, rowHeight / 2, `${store.getVersion()}:${height}:${rowHeight}`)
  const status = store.status
  const selected = store.selection.packet
  const base = zero() || rows[0]?.time || 0

  const unavailable = status?.state === 'unavailable'
  useEffect(() => {
    const el = cell.current
    if (!el) return
    const observer = new ResizeObserver(() => {
      setSpace(el.clientHeight)
      setWidth(el.getBoundingClientRect().width)
    })
    observer.observe(el)
    return () => observer.disconnect()
    // The table is there again once capture is possible.
  }, [unavailable])

  // A packet picked in the ladder comes into view here.
  useEffect(() => {
    const el = scroller.current
    if (!el || selected === undefined) return
    const index = rows.findIndex((p) => p.no === selected)
    if (index < 0) return
    const top = index * rowHeight
    if (top < el.scrollTop || top + 2 * rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, top - el.clientHeight / 2)
    // Only when the selection changes, not as rows arrive.
  }, [selected])

  // One function for every row, so that rows whose packet did not change are not rendered again.
  const pick = useCallback((p: WirePacket): void => store.select({ packet: p.no, conversation: p.conversation }), [store])
  const onKey = (ev: React.KeyboardEvent): void => {
    const at = rows.findIndex((p) => p.no === selected)
    const next = ev.key === 'ArrowDown' ? at + 1 : ev.key === 'ArrowUp' ? at - 1 : undefined
    if (next === undefined) return
    ev.preventDefault()
    const p = rows[Math.max(0, Math.min(rows.length - 1, next))]
    if (p) pick(p)
  }

  const exportPcapng = async (): Promise<void> => {
    setExported(undefined)
    try {
      const result = await onExport()
      if (result.kind === 'saved') setExported({ path: result.path })
    } catch (err) {
      setExported({ error: (err as Error).message })
    }
  }

  // Following, the rows drawn are the newest, where the layout effect is about to scroll: drawn
  // once, not first where the list was and again after the scroll event.
  const top = follow.following ? Math.max(0, (rows.length + 1) * rowHeight - height) : scrollTop
  // Following, no spare rows above: during a flood every redraw replaces them all, and nobody scrolls to them.
  const first = Math.max(0, Math.floor(top / rowHeight) - (follow.following ? 0 : OVERSCAN))
  const last = Math.min(rows.length, Math.ceil((top + height) / rowHeight) + OVERSCAN)
  const lost = store.stats.skipped + store.stats.dropped

  return (
    <section className={`log wire${twoLines ? ' two-lines' : ''}${wholeWindow.whole ? ' whole' : ''}`} aria-label={t('view.label')} data-testid="wire-view">
      <div className="log-bar">
        <h2>{t('view.title')}</h2>
        {/* Cut at the edge when the bar is narrow (200%): whole on hover. */}
        <span className="count capture-status" data-testid="capture-status" aria-live="polite" title={statusText(t, status, rows.length, lost)}>
          {statusText(t, status, rows.length, lost)}
        </span>
        {exported && (
          <span className="count" role="status" data-testid="wire-exported">
            {'path' in exported ? t('view.saved', { path: exported.path }) : t('view.exportFailed', { error: exported.error })}
          </span>
        )}
        {status?.state === 'on' || status?.state === 'starting' ? (
          <button type="button" onClick={() => void feed.stop()} data-testid="capture-stop" title={t('view.stopTip')}>
            {t('view.stop')}
          </button>
        ) : (
          <button type="button" onClick={() => void feed.start()} data-testid="capture-start" title={unavailable ? t('view.retryTip') : t('view.startTip')}>
            {unavailable ? t('view.retry') : t('view.start')}
          </button>
        )}
        <button type="button" onClick={() => void exportPcapng()} disabled={rows.length === 0} data-testid="wire-export" title={t('view.exportTip')}>
          {t('view.export')}
        </button>
        <WholeWindowButton state={wholeWindow} label={t('view.whole')} tip={t('view.wholeTip')} testId="wire-whole" />
      </div>
      {unavailable && status.problem ? (
        <p className="capture-problem" role="alert" data-testid="capture-problem">
          {sayIn(t, status.problem.said)}
        </p>
      ) : (
        <div className="log-table" ref={cell}>
          <div
            className="log-body"
            ref={scroller}
            // Whole rows high: no row half hidden under the header or at the bottom.
            style={{ height, alignSelf: 'start' }}
            role="grid"
            tabIndex={0}
            aria-label={t('view.packets')}
            aria-rowcount={rows.length + 1}
            data-testid="wire-body"
            onKeyDown={onKey}
            onScroll={(e) => {
              setScrollTop(e.currentTarget.scrollTop)
              follow.onScroll()
            }}
          >
            <div className="log-row wire-row head" role="row" style={{ height: rowHeight }}>
              {columns(t).map(([h, place]) => (
                <span key={h} role="columnheader" className={place}>
                  {h}
                </span>
              ))}
            </div>
            <div className="log-rows" style={{ height: rows.length * rowHeight }}>
              {/* Keyed by slot, not by packet: as rows scroll by, React rewrites a few texts instead of rebuilding rows.
                  Following, by place on screen: new rows then replace every text, but no row moves in
                  the DOM (a moved row is laid out anew, and in a flood they all moved). */}
              {rows.slice(first, last).map((p, i) => (
                <WireRow key={follow.following ? i : (first + i) % (last - first + 1)} packet={p} index={first + i} zero={base} rowHeight={rowHeight} selected={p.no === selected} onSelect={pick} />
              ))}
            </div>
            {rows.length === 0 && status?.state === 'on' && (
              <p className="wire-empty">{status.ports.length ? t('view.emptyPorts') : t('view.empty')}</p>
            )}
          </div>
          {!follow.following && (
            <button type="button" className="newest" onClick={follow.jumpToNewest} data-testid="wire-newest">
              {t('view.newest')}
            </button>
          )}
        </div>
      )}
    </section>
  )
}

/** Row heights at 100% (px): roomy, and tight (the text's lines and 2 px: 14 px text, lines 1.25 apart). */
const ROW = { one: { roomy: 24, tight: 19 }, two: { roomy: 42, tight: 37 } }

/**
 * The height of a row. In the whole window (`fit`), as roomy as lets every row fit in `space` under
 * the header, never tighter than the text needs: the course's exchange, 10 packets, at once at
 * 150% on 1280×720 too.
 */
function wireRowHeight(twoLines: boolean, zoom: number, fit?: { space: number; rows: number }): number {
  const { roomy, tight } = twoLines ? ROW.two : ROW.one
  const most = Math.round(roomy * zoom)
  if (!fit) return most
  return Math.max(Math.ceil(tight * zoom), Math.min(most, Math.floor(fit.space / (fit.rows + 1))))
}

function statusText(t: TFunction<'wire'>, status: CaptureStore['status'], shown: number, lost: number): string {
  if (!status) return t('status.asking')
  // A long session's ports (hundreds) would fill the bar: their number then. Port numbers are data: never grouped.
  const ports = status.ports.length === 1 ? t('status.port', { port: status.ports[0] }) : status.ports.length > 6 ? t('status.manyPorts', { count: status.ports.length }) : t('status.ports', { ports: status.ports.join(', ') })
  const count = [
    t('status.packets', { count: shown }),
    lost ? t('status.lost', { count: lost }) : '',
    // The capture's own bounds (see LabCapture): what a flood made it skip, and what left the export.
    status.skipped ? t('status.skipped', { count: status.skipped }) : '',
    status.forgotten ? t('status.forgotten', { count: status.forgotten }) : ''
  ]
    .filter(Boolean)
    .join(' · ')
  switch (status.state) {
    case 'unavailable':
      return t('status.unavailable')
    case 'starting':
      return t('status.starting', { counts: count })
    case 'off':
      return t('status.stopped', { counts: count })
    case 'on':
      return status.ports.length ? t('status.capturing', { ports, counts: count }) : t('status.noPort', { counts: count })
  }
}

interface RowProps {
  packet: WirePacket
  index: number
  zero: number
  rowHeight: number
  selected: boolean
  onSelect: (p: WirePacket) => void
}

/** Memoised: a redraw that only scrolled (or a packet arriving off screen) leaves the rows' DOM alone. */
const WireRow = memo(function WireRow({ packet: p, index, zero, rowHeight, selected, onSelect }: RowProps): React.JSX.Element {
  const { t } = useTranslation('wire')
  const c = wireColumns(p, zero)
  const label = c.step ? sayIn(t, c.step) : ''
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`log-row wire-row ${p.proto === 'UDP' ? 'udp' : p.flags.includes('RST') ? 'rst' : p.flags.includes('SYN') || p.flags.includes('FIN') ? 'control' : p.length > 0 ? 'data' : ''}${p.analysis ? ' again' : ''}${selected ? ' selected' : ''}`}
      style={{ top: index * rowHeight, height: rowHeight }}
      data-testid="wire-row"
      data-no={p.no}
      onClick={() => onSelect(p)}
    >
      <span role="gridcell" className="c-no" translate="no">
        {p.no}
      </span>
      <span role="gridcell" translate="no" className="c-time">
        {c.time}
      </span>
      <span role="gridcell" translate="no" className="addr c-src" title={c.src}>
        <bdi>{c.src}</bdi>
      </span>
      <span role="gridcell" translate="no" className="addr c-dst" title={c.dst}>
        <bdi>{c.dst}</bdi>
      </span>
      <span role="gridcell" translate="no" className="c-proto">
        {c.proto}
      </span>
      <span role="gridcell" translate="no" className="c-flags">
        {c.flags}
      </span>
      <span role="gridcell" translate="no" className="c-seq" title={c.seqAck}>
        {c.seqAck}
      </span>
      <span role="gridcell" translate="no" className="wire-window">
        {c.window}
      </span>
      <span role="gridcell" translate="no" className="c-len">
        {c.length}
      </span>
      <span role="gridcell" className="c-what" title={label} data-analysis={p.analysis?.kind}>
        {/* A retransmission's seq, a duplicate ACK's ack: numbers of the protocol, marked as data within the words. */}
        {c.step && p.analysis ? sayParts(t, c.step, ANALYSIS_DATA_PARAMS).map((part, i) => (part.data ? <span key={i} translate="no">{part.text}</span> : part.text)) : label}
      </span>
    </div>
  )
})
