import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { LabEvent } from '../../../shared/events'
import type { EndpointName } from '../lab/endpoint-names'
import type { EventStore } from '../feed/event-store'
import { describe, endpointsOf, relativeSeconds } from './format'
import { useFollowNewest } from '../ui/use-follow-newest'
import { EndpointsInLog, filterEntries } from './log-endpoints'
import { LOG_FONT_REM, tableWithBytes, twoLineRows, wholeRows } from './log-layout'
import { LogView, NO_FILTER, type KeyOf, type LogFilter } from './log-view'
import { LogDetails } from './LogDetails'
import { LogToolbar } from './LogToolbar'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { useEventWords } from './use-event-words'

const OVERSCAN = 8
/** Row height at 100% (1.57 lines of the log's 14 px text): at 200% on 1920×1080 this leaves room for four rows beside a selected row's bytes. */
const ROW_HEIGHT = 22
/** A row of two lines (twoLineRows): two lines of the log's text, 1.25 apart, and the same margin. */
const TWO_LINE_ROW_HEIGHT = 40
/** What the bytes pane needs to be readable: its summary line and two lines of dump (rem). */
const DETAILS_MIN_REM = 4.25
type Column = 'no' | 'time' | 'source' | 'destination' | 'protocol' | 'length' | 'info'
const COLUMNS: Column[] = ['no', 'time', 'source', 'destination', 'protocol', 'length', 'info']
/** The class that places each column (in two lines, the grid area it takes), as the Wire view's. */
const PLACES = ['c-no', 'c-time', 'c-src', 'c-dst', 'c-proto', 'c-len', 'c-what']
/** What a narrow log (a projector) heads these columns with, as netstat does; the whole word on hover. */
/**
 * A column's header: its name (on hover and for screen readers whenever the header shows less),
 * what the header shows (`head`: a language whose word is too long for the column abbreviates it)
 * and, in a narrow log, `short`.
 */
function columnWords(t: TFunction<'log'>, c: Column): { name: string; head?: string; short?: string } {
  switch (c) {
    case 'no':
      return { name: t('columns.no') }
    case 'time':
      return { name: t('columns.time') }
    case 'source':
      return { name: t('columns.source') }
    case 'destination':
      return { name: t('columns.destination') }
    case 'protocol':
      return { name: t('columns.protocol'), head: t('columns.protocolHead'), short: t('columns.protocolShort') }
    case 'length':
      return { name: t('columns.length'), head: t('columns.lengthHead'), short: t('columns.lengthShort') }
    case 'info':
      return { name: t('columns.info') }
  }
}

interface Props {
  store: EventStore
  /** The endpoints running now (the filter also lists ended ones that have rows, marked ended). */
  endpoints: EndpointName[]
  keyOf: KeyOf
  zoom: number
  /** The student cleared the log up to `seq`: remembered so that a reload does not bring it back. */
  onCleared: (seq: number) => void
  /** Selects the event with this seq (another view picked it; `nonce` asks again for the same one). */
  pick?: { seq: number; nonce: number }
  /** The student selected an event (or none). */
  onSelect?: (e: LabEvent | undefined) => void
  /** False while another view is shown: the log then catches up once, when it is shown again. */
  shown?: boolean
}

export function PacketLog({ store, endpoints, keyOf, zoom, onCleared, pick, onSelect, shown = true }: Props): React.JSX.Element {
  const { t } = useTranslation('log')
  // Rebuilt (the leader's clients changed) with its rows at once: a moment without rows would
  // have the browser clamp the scroll to the top, away from the selected row.
  const view = useMemo(() => {
    const rebuilt = new LogView(store, NO_FILTER, keyOf)
    rebuilt.update()
    return rebuilt
  }, [store, keyOf])
  const [version, setVersion] = useState(0)
  // The text filter searches the words shown, in the window's language: a switch searches again.
  const words = useEventWords()
  useEffect(() => {
    if (view.words === words) return
    view.words = words
    if (view.filter.text) {
      view.setFilter(view.filter)
      setVersion((v) => v + 1)
    }
  }, [view, words])
  const inLog = useMemo(() => new EndpointsInLog(store), [store])
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER)
  const [paused, setPaused] = useState(false)
  const [selected, setSelectedState] = useState<LabEvent | undefined>()
  const setSelected = (e: LabEvent | undefined): void => {
    setSelectedState(e)
    onSelect?.(e)
  }
  const [scrollTop, setScrollTop] = useState(0)
  // The space the grid gives the table (`cell`) and the table and bytes together (`main`).
  const [space, setSpace] = useState({ cell: 300, main: 400 })
  const scroller = useRef<HTMLDivElement>(null)
  const mainRef = useRef<HTMLDivElement>(null)
  const cellRef = useRef<HTMLDivElement>(null)
  const logRef = useRef<HTMLElement>(null)
  // The log's and the rows' widths (px), and a monospace character's width (em): whether an address fits one line.
  const [widths, setWidths] = useState({ log: 1280, table: 1280, charEm: 0.6 })
  const rem = 16 * zoom
  const twoLines = twoLineRows(widths.log / rem, widths.table / rem, view.widestAddress, LOG_FONT_REM * widths.charEm)
  const rowHeight = Math.round((twoLines ? TWO_LINE_ROW_HEIGHT : ROW_HEIGHT) * zoom)
  // The table shows whole rows only; what is left below them stays empty.
  const height = wholeRows(space.cell, rowHeight)
  const rows = view.rows
  const follow = useFollowNewest(scroller, rowHeight / 2, `${version}:${height}:${rows.length}:${rowHeight}`, selected !== undefined)

  useEffect(() => {
    // Hidden, it does not render for every batch of a flood (the wire view is on screen then).
    if (!shown) return
    const refresh = (): void => {
      if (!paused && view.update()) setVersion((v) => v + 1)
      else if (paused) setVersion((v) => v + 1)
    }
    refresh()
    return store.subscribe(refresh)
  }, [store, view, paused, shown])

  useEffect(() => {
    const main = mainRef.current!
    const cell = cellRef.current!
    const log = logRef.current!
    const body = scroller.current!
    const observer = new ResizeObserver(() => {
      setSpace({ cell: cell.clientHeight, main: main.clientHeight })
      setWidths({ log: log.getBoundingClientRect().width, table: body.clientWidth, charEm: monospaceEm(body) })
    })
    observer.observe(main)
    observer.observe(cell)
    observer.observe(log)
    observer.observe(body)
    return () => observer.disconnect()
  }, [])

  const applyFilter = (next: LogFilter): void => {
    setFilter(next)
    view.setFilter(next)
    setVersion((v) => v + 1)
  }

  const base = view.base ?? 0
  // While it follows, the newest rows are rendered at once, where the list is about to be pinned:
  // the scroll that pins it then changes no row (the rows arriving are laid out once, not twice).
  const top = follow.following ? Math.max(0, (rows.length + 1) * rowHeight - height) : scrollTop
  // The header row is the grid's first row, sticky, one row high: rows start one row down.
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN)
  const last = Math.min(rows.length, Math.ceil((top + height) / rowHeight) + OVERSCAN)
  const visible = rows.slice(first, last)
  const selectedIndex = selected ? rows.indexOf(selected) : -1

  /** Scrolls the grid so that row `index` is below the sticky header and above the bottom edge. */
  const reveal = useCallback(
    (index: number): void => {
      const el = scroller.current
      if (!el || index < 0) return
      const top = index * rowHeight
      const bottom = top + 2 * rowHeight
      if (top < el.scrollTop) el.scrollTop = top
      // To a whole row: the height may be between two layouts (the bytes pane coming), and a
      // scroll made from it would leave rows cut in half under the header and at the bottom.
      else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = Math.ceil((bottom - el.clientHeight) / rowHeight) * rowHeight
    },
    [rowHeight]
  )
  // A selected row stays in view once the details pane has taken its share of the height, and
  // whenever the table's height changes (a zoom, the splitter); not when rows arrive or drop, which
  // must not pull a reader's scroll back (while a row is selected the log does not follow the
  // newest either: new rows would push the row being read away).
  const selectedSeq = selected?.seq
  // A row selected before it is among the rows (a follower reloading hears the leader's row before
  // the events): revealed once, when it arrives.
  const unrevealed = useRef<number | undefined>(undefined)
  useLayoutEffect(() => {
    // Between two layouts the browser may have clamped the scroll to a height the table had for a
    // moment: back to a whole row first, so that no row shows cut in half.
    const el = scroller.current
    if (el && el.scrollTop % rowHeight !== 0 && el.scrollTop + el.clientHeight < el.scrollHeight) el.scrollTop = Math.round(el.scrollTop / rowHeight) * rowHeight
    const index = selectedSeq === undefined ? -1 : view.rows.findIndex((e) => e.seq === selectedSeq)
    unrevealed.current = index < 0 ? selectedSeq : undefined
    reveal(index)
  }, [reveal, selectedSeq, view, height, rowHeight])
  useLayoutEffect(() => {
    if (unrevealed.current === undefined) return
    const index = view.rows.findIndex((e) => e.seq === unrevealed.current)
    if (index < 0) return
    unrevealed.current = undefined
    reveal(index)
  }, [version, view, reveal])

  // A pick of an event not received yet (a follower reloading hears the leader's row before the
  // events) is made when it arrives.
  const unpicked = useRef<number | undefined>(undefined)
  useEffect(() => {
    unpicked.current = pick?.seq
  }, [pick])
  useEffect(() => {
    const seq = unpicked.current
    if (seq === undefined) return
    const e = view.rows.find((r) => r.seq === seq) ?? store.all().find((r) => r.seq === seq)
    if (!e) return
    unpicked.current = undefined
    setSelectedState(e)
  }, [pick, view, store, version])

  const select = (index: number): void => {
    const e = rows[Math.max(0, Math.min(rows.length - 1, index))]
    if (!e) return
    setSelected(e)
    reveal(rows.indexOf(e))
  }

  const onKey = (ev: React.KeyboardEvent): void => {
    const at = selectedIndex
    const page = Math.max(1, Math.floor(height / rowHeight) - 2)
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: rows.length - 1 }
    if (ev.key in moves) {
      ev.preventDefault()
      select(moves[ev.key])
    } else if (ev.key === 'Escape' && selected) {
      ev.preventDefault()
      setSelected(undefined)
    }
  }

  const clear = (): void => {
    store.clear()
    view.clear()
    setSelected(undefined)
    setVersion((v) => v + 1)
    onCleared(store.stats.clearedThrough)
  }

  // Rows below the bottom edge: what "newest ↓" brings into view.
  const below = Math.max(0, rows.length - Math.floor((scrollTop + height) / rowHeight) + 1)

  return (
    <section className={`log packet-log${twoLines ? ' two-lines' : ''}`} aria-label={t('title')} data-testid="packet-log" ref={logRef}>
      <LogToolbar
        filter={filter}
        onFilter={applyFilter}
        endpoints={filterEntries(inLog.ids(), keyOf, endpoints, filter.endpoint)}
        shown={rows.length}
        behind={paused ? view.behind() : 0}
        dropped={store.stats.dropped}
        paused={paused}
        onPause={() => setPaused(!paused)}
        onClear={clear}
        rows={rows}
        base={base}
      />
      <div
        className={`log-main${selected ? ' has-selection' : ''}${selected?.preview ? ' has-bytes' : ''}`}
        ref={mainRef}
        style={{ '--log-table-height': `${tableWithBytes(space.main, rowHeight, DETAILS_MIN_REM * 16 * zoom)}px` } as React.CSSProperties}
      >
        <div className="log-table" ref={cellRef}>
          <div
            className="log-body"
            ref={scroller}
            // Whole rows high, as the Wire view's table.
            style={{ height, alignSelf: 'start' }}
            role="grid"
            tabIndex={0}
            aria-label={t('rows')}
            aria-rowcount={rows.length + 1}
            aria-colcount={COLUMNS.length}
            aria-activedescendant={selected && selectedIndex >= first && selectedIndex < last ? `log-row-${selected.seq}` : undefined}
            data-testid="log-body"
            onKeyDown={onKey}
            onScroll={(e) => {
              setScrollTop(e.currentTarget.scrollTop)
              follow.onScroll()
            }}
          >
            <div className="log-row head" role="row" aria-rowindex={1} style={{ height: rowHeight }}>
              {COLUMNS.map((c, i) => {
                const { name, head = name, short } = columnWords(t, c)
                return (
                  <span key={c} role="columnheader" className={PLACES[i]} data-testid="log-column" title={short && name} aria-label={short && name} data-short={short}>
                    <span className="column-name">{head}</span>
                  </span>
                )
              })}
            </div>
            <div className="log-rows" style={{ height: rows.length * rowHeight }}>
              {visible.map((e, i) => (
                <LogRow key={e.seq} event={e} info={words(e)} index={first + i} base={base} rowHeight={rowHeight} selected={selected?.seq === e.seq} onSelect={() => setSelected(e)} />
              ))}
            </div>
          </div>
          {!follow.following && below > 0 && (
            <button type="button" className="newest" onClick={follow.jumpToNewest} title={t('newestHint')} data-testid="log-newest">
              {t('newest')}
            </button>
          )}
        </div>
        <LogDetails event={selected} keyOf={keyOf} />
      </div>
    </section>
  )
}

/** `info`: the event's words, made by the log (one subscription to the language for all its rows, not one per row). */
function LogRow({ event: e, info, index, base, rowHeight, selected, onSelect }: { event: LabEvent; info: string; index: number; base: number; rowHeight: number; selected: boolean; onSelect: () => void }): React.JSX.Element {
  const { source, destination } = endpointsOf(e)
  return (
    <div
      id={`log-row-${e.seq}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`log-row kind-${e.kind}${selected ? ' selected' : ''}`}
      style={{ top: index * rowHeight, height: rowHeight }}
      data-testid="log-row"
      onClick={onSelect}
    >
      <span role="gridcell" className="c-no" translate="no">
        {e.seq}
      </span>
      <span role="gridcell" className="c-time" translate="no">
        {relativeSeconds(e.time, base)}
      </span>
      <Address text={source} place="c-src" />
      <Address text={destination} place="c-dst" />
      <span role="gridcell" className="c-proto" translate="no">
        {e.proto}
      </span>
      <span role="gridcell" className="c-len" translate="no">
        {e.kind === 'send' || e.kind === 'recv' ? e.length : ''}
      </span>
      <span role="gridcell" className="c-what" title={info}>
        {/* The kind is a token (never translated); a console row's line is the program's own words. */}
        {e.kind === 'console' ? (
          <span translate="no">{describe(e, info)}</span>
        ) : (
          <>
            <span translate="no">{e.kind.toUpperCase()}</span> {info}
          </>
        )}
      </span>
    </div>
  )
}

/** An address cell: cut at its start when narrow ("…0.0.1:40318"), so the port always shows. */
function Address({ text, place }: { text: string; place: string }): React.JSX.Element {
  return (
    <span role="gridcell" className={`addr ${place}`} title={text} translate="no">
      <bdi>{text}</bdi>
    </span>
  )
}

/** The width of a character of `el`'s (monospace) font, in em: measured in `el`, in the font it shows. */
function monospaceEm(el: HTMLElement): number {
  const probe = document.createElement('span')
  probe.textContent = '0'.repeat(20)
  probe.style.cssText = 'position: absolute; visibility: hidden; white-space: pre'
  el.appendChild(probe)
  const em = probe.getBoundingClientRect().width / 20 / parseFloat(getComputedStyle(el).fontSize)
  probe.remove()
  return em > 0 ? em : 0.6
}
