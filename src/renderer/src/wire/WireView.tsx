// The wire view: the real packets on the lab's ports, one row each, with the handshake and the
// teardown named in words. Virtualised like the packet log; a row picks its conversation for the
// ladder. Where capture is impossible it says why and how to enable it, and nothing else.

import { memo, useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { PcapngExport, WirePacket } from '../../../shared/wire'
import { wireColumns } from '../../../shared/wire'
import type { CaptureFeed } from './capture-feed'
import type { CaptureStore } from './capture-store'
import { useFollowNewest } from '../ui/use-follow-newest'
import { useWholeWindow } from '../ui/use-whole-window'
import { wholeRows } from '../log/log-layout'
import { WholeWindowButton } from '../ui/WholeWindowButton'

const OVERSCAN = 8
/** Each column with the class that places it (in two lines, the grid area it takes). */
const COLUMNS = [
  ['No.', 'c-no'],
  ['Time (s)', 'c-time'],
  ['Source', 'c-src'],
  ['Destination', 'c-dst'],
  ['Protocol', 'c-proto'],
  ['Flags', 'c-flags'],
  ['Seq / Ack', 'c-seq'],
  ['Window', 'wire-window'],
  ['Length', 'c-len'],
  ['What it is', 'c-what']
] as const
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
  useSyncExternalStore(store.subscribe, store.getVersion)
  const [scrollTop, setScrollTop] = useState(0)
  // The space the grid gives the table: it shows whole rows of it, as the packet log does.
  const [space, setSpace] = useState(300)
  const [width, setWidth] = useState(1280)
  const [exported, setExported] = useState('')
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
    setExported('')
    try {
      const result = await onExport()
      if (result.kind === 'saved') setExported(`Saved to ${result.path}`)
    } catch (err) {
      setExported((err as Error).message)
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
    <section className={`log wire${twoLines ? ' two-lines' : ''}${wholeWindow.whole ? ' whole' : ''}`} aria-label="Wire view" data-testid="wire-view">
      <div className="log-bar">
        <h2>Wire</h2>
        {/* Cut at the edge when the bar is narrow (200%): whole on hover. */}
        <span className="count capture-status" data-testid="capture-status" aria-live="polite" title={statusText(status, rows.length, lost)}>
          {statusText(status, rows.length, lost)}
        </span>
        {exported && (
          <span className="count" role="status" data-testid="wire-exported">
            {exported}
          </span>
        )}
        {status?.state === 'on' || status?.state === 'starting' ? (
          <button type="button" onClick={() => void feed.stop()} data-testid="capture-stop" title="Stop capturing (the packets stay)">
            Stop capture
          </button>
        ) : (
          <button type="button" onClick={() => void feed.start()} data-testid="capture-start" title={unavailable ? 'Check again whether capture works now' : 'Capture the lab\u2019s ports'}>
            {unavailable ? 'Try again' : 'Start capture'}
          </button>
        )}
        <button type="button" onClick={() => void exportPcapng()} disabled={rows.length === 0} data-testid="wire-export" title="Save every captured packet as a pcapng file, which Wireshark opens">
          Export pcapng
        </button>
        <WholeWindowButton state={wholeWindow} label="Whole wire" tip="The Wire view in the whole window: the course's exchange at once" testId="wire-whole" />
      </div>
      {unavailable && status.problem ? (
        <p className="capture-problem" role="alert" data-testid="capture-problem">
          {status.problem.message}
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
            aria-label="Packets (arrow keys select a row)"
            aria-rowcount={rows.length + 1}
            data-testid="wire-body"
            onKeyDown={onKey}
            onScroll={(e) => {
              setScrollTop(e.currentTarget.scrollTop)
              follow.onScroll()
            }}
          >
            <div className="log-row wire-row head" role="row" style={{ height: rowHeight }}>
              {COLUMNS.map(([h, place]) => (
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
              <p className="wire-empty">{status.ports.length ? 'Run an exchange: its packets show here.' : 'Start a server or a client: the capture follows the ports they use.'}</p>
            )}
          </div>
          {!follow.following && (
            <button type="button" className="newest" onClick={follow.jumpToNewest} data-testid="wire-newest">
              newest ↓
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

function statusText(status: CaptureStore['status'], shown: number, lost: number): string {
  if (!status) return 'asking the host whether it can capture…'
  const n = (x: number): string => x.toLocaleString('en')
  // A long session's ports (hundreds) would fill the bar: their number then.
  const ports = status.ports.length === 1 ? `port ${status.ports[0]}` : status.ports.length > 6 ? `${n(status.ports.length)} ports` : `ports ${status.ports.join(', ')}`
  const count = [
    `${n(shown)} packets`,
    lost ? `${n(lost)} not shown (the export has them)` : '',
    // The capture's own bounds (see LabCapture): what a flood made it skip, and what left the export.
    status.skipped ? `${n(status.skipped)} skipped to catch up with a flood (not in the export)` : '',
    status.forgotten ? `${n(status.forgotten)} older packets are no longer in the export` : ''
  ]
    .filter(Boolean)
    .join(' · ')
  switch (status.state) {
    case 'unavailable':
      return 'Capture is not possible here'
    case 'starting':
      return `Starting the capture… · ${count}`
    case 'off':
      return `Capture stopped · ${count}`
    case 'on':
      return status.ports.length ? `Capturing ${ports} on the loopback interface · ${count}` : `Capturing, no port yet · ${count}`
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
  const c = wireColumns(p, zero)
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`log-row wire-row ${p.proto === 'UDP' ? 'udp' : p.flags.includes('RST') ? 'rst' : p.flags.includes('SYN') || p.flags.includes('FIN') ? 'control' : p.length > 0 ? 'data' : ''}${selected ? ' selected' : ''}`}
      style={{ top: index * rowHeight, height: rowHeight }}
      data-testid="wire-row"
      data-no={p.no}
      onClick={() => onSelect(p)}
    >
      <span role="gridcell" className="c-no">
        {p.no}
      </span>
      <span role="gridcell" className="c-time">
        {c.time}
      </span>
      <span role="gridcell" className="addr c-src" title={c.src}>
        <bdi>{c.src}</bdi>
      </span>
      <span role="gridcell" className="addr c-dst" title={c.dst}>
        <bdi>{c.dst}</bdi>
      </span>
      <span role="gridcell" className="c-proto">
        {c.proto}
      </span>
      <span role="gridcell" className="c-flags">
        {c.flags}
      </span>
      <span role="gridcell" className="c-seq" title={c.seqAck}>
        {c.seqAck}
      </span>
      <span role="gridcell" className="wire-window">
        {c.window}
      </span>
      <span role="gridcell" className="c-len">
        {c.length}
      </span>
      <span role="gridcell" className="c-what" title={c.label}>
        {c.label}
      </span>
    </div>
  )
})
