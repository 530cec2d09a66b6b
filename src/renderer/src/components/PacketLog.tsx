import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { LabEvent, Proto } from '../../../shared/events'
import type { EventStore } from '../event-store'
import { download, toCsv, toJson } from '../export'
import { describe, endpointsOf, relativeSeconds } from '../format'
import { decodeBase64, hexDump } from '../hex-dump'
import { LogView, NO_FILTER, type LogFilter } from '../log-view'

const OVERSCAN = 8
const COLUMNS = ['No.', 'Time (s)', 'Source', 'Destination', 'Protocol', 'Length', 'Info']

export function PacketLog({ store, endpoints, zoom }: { store: EventStore; endpoints: string[]; zoom: number }): React.JSX.Element {
  const view = useMemo(() => new LogView(store), [store])
  const [, setVersion] = useState(0)
  const [filter, setFilter] = useState<LogFilter>(NO_FILTER)
  const [paused, setPaused] = useState(false)
  const [selected, setSelected] = useState<LabEvent | undefined>()
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(300)
  const scroller = useRef<HTMLDivElement>(null)
  const follow = useRef(true)
  const rowHeight = Math.round(26 * zoom)

  useEffect(() => {
    const refresh = (): void => {
      if (!paused && view.update()) {
        setVersion((v) => v + 1)
        if (follow.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight
      } else if (paused) setVersion((v) => v + 1)
    }
    refresh()
    return store.subscribe(refresh)
  }, [store, view, paused])

  useEffect(() => {
    const el = scroller.current!
    const observer = new ResizeObserver(() => setHeight(el.clientHeight))
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const applyFilter = (next: LogFilter): void => {
    setFilter(next)
    view.setFilter(next)
    setVersion((v) => v + 1)
  }

  const rows = view.rows
  const base = view.base ?? 0
  // The header row is the grid's first row, sticky, one row high: rows start one row down.
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN)
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN)
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
      else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight
    },
    [rowHeight]
  )
  // A newly selected row stays in view once the details pane has taken its share of the height
  // (only on a new selection: rows arriving or dropping must not pull a reader's scroll back).
  const selectedSeq = selected?.seq
  useLayoutEffect(() => {
    if (selectedSeq !== undefined) reveal(view.rows.findIndex((e) => e.seq === selectedSeq))
  }, [reveal, selectedSeq, view])

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
      follow.current = ev.key === 'End'
      select(moves[ev.key])
    } else if (ev.key === 'Escape' && selected) {
      ev.preventDefault()
      setSelected(undefined)
    }
  }

  const protocols: (Proto | 'all')[] = ['all', 'TCP', 'UDP', 'HTTP']
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)

  return (
    <section className="log" aria-label="Packet log" data-testid="packet-log">
      <div className="log-bar">
        <h2>Packet log</h2>
        <label className="field inline">
          <span>Protocol</span>
          <select value={filter.proto} data-testid="log-filter-proto" onChange={(e) => applyFilter({ ...filter, proto: e.target.value as LogFilter['proto'] })}>
            {protocols.map((p) => (
              <option key={p} value={p}>
                {p === 'all' ? 'All' : p}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Endpoint</span>
          <select value={filter.endpoint} data-testid="log-filter-endpoint" onChange={(e) => applyFilter({ ...filter, endpoint: e.target.value })}>
            <option value="all">All</option>
            {endpoints.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>Find</span>
          <input type="search" value={filter.text} data-testid="log-filter-text" onChange={(e) => applyFilter({ ...filter, text: e.target.value })} />
        </label>
        <label className="check">
          <input type="checkbox" checked={filter.consoleLines} data-testid="log-console-lines" onChange={(e) => applyFilter({ ...filter, consoleLines: e.target.checked })} />
          <span>Console lines</span>
        </label>
        <span className="spacer" />
        <span className="count" data-testid="log-count" aria-live="polite">
          {rows.length.toLocaleString('en')} events{paused && view.behind() > 0 ? ` · paused, ${view.behind().toLocaleString('en')} new` : ''}
          {store.stats.dropped > 0 ? ` · ${store.stats.dropped.toLocaleString('en')} older dropped` : ''}
        </span>
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)} data-testid="log-pause">
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          onClick={() => {
            store.clear()
            view.clear()
            setSelected(undefined)
            setVersion((v) => v + 1)
          }}
          data-testid="log-clear"
        >
          Clear
        </button>
        <button type="button" onClick={() => download(`socklab-log-${stamp}.json`, toJson(rows), 'application/json')} data-testid="log-export-json">
          Export JSON
        </button>
        <button type="button" onClick={() => download(`socklab-log-${stamp}.csv`, toCsv(rows, base), 'text/csv')} data-testid="log-export-csv">
          Export CSV
        </button>
      </div>
      <div className={selected ? 'log-main has-selection' : 'log-main'}>
        <div
          className="log-body"
          ref={scroller}
          role="grid"
          tabIndex={0}
          aria-label="Events (arrow keys select a row, Escape clears the selection)"
          aria-rowcount={rows.length + 1}
          aria-colcount={COLUMNS.length}
          aria-activedescendant={selected && selectedIndex >= first && selectedIndex < last ? `log-row-${selected.seq}` : undefined}
          data-testid="log-body"
          onKeyDown={onKey}
          onScroll={(e) => {
            const el = e.currentTarget
            setScrollTop(el.scrollTop)
            follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight * 2
          }}
        >
          <div className="log-row head" role="row" aria-rowindex={1} style={{ height: rowHeight }}>
            {COLUMNS.map((h) => (
              <span key={h} role="columnheader">
                {h}
              </span>
            ))}
          </div>
          <div className="log-rows" style={{ height: rows.length * rowHeight }}>
            {visible.map((e, i) => {
              const { source, destination } = endpointsOf(e)
              const index = first + i
              const isSelected = selected?.seq === e.seq
              return (
                <div
                  key={e.seq}
                  id={`log-row-${e.seq}`}
                  role="row"
                  aria-rowindex={index + 2}
                  aria-selected={isSelected}
                  className={`log-row kind-${e.kind}${isSelected ? ' selected' : ''}`}
                  style={{ top: index * rowHeight, height: rowHeight }}
                  data-testid="log-row"
                  onClick={() => {
                    setSelected(e)
                    follow.current = false
                  }}
                >
                  <span role="gridcell">{e.seq}</span>
                  <span role="gridcell">{relativeSeconds(e.time, base)}</span>
                  <span role="gridcell">{source}</span>
                  <span role="gridcell">{destination}</span>
                  <span role="gridcell">{e.proto}</span>
                  <span role="gridcell">{e.kind === 'send' || e.kind === 'recv' ? e.length : ''}</span>
                  <span role="gridcell" title={e.info}>
                    {describe(e)}
                  </span>
                </div>
              )
            })}
          </div>
        </div>
        <Details event={selected} />
      </div>
    </section>
  )
}

function Details({ event }: { event?: LabEvent }): React.JSX.Element {
  if (!event)
    return (
      <div className="details empty" data-testid="log-details">
        Select a row to see its bytes.
      </div>
    )
  const bytes = decodeBase64(event.preview)
  const note =
    event.kind === 'send' || event.kind === 'recv'
      ? bytes.length < event.length
        ? `first ${bytes.length} of ${event.length} bytes`
        : `${event.length} bytes`
      : ''
  return (
    <div className="details" data-testid="log-details" role="region" aria-label="Selected event">
      <p>
        <strong>#{event.seq}</strong> {event.endpoint} · {event.kind}
        {event.conn ? ` · connection ${event.conn}` : ''}
        {event.code ? ` · ${event.code}` : ''} · {event.info} {note && <em>({note})</em>}
      </p>
      {bytes.length > 0 && <pre data-testid="log-hex">{hexDump(bytes)}</pre>}
    </div>
  )
}
