import type { LabEvent, Proto } from '../../../shared/events'
import { download, toCsv, toJson } from './export'
import { LABS } from '../lab/lab-state'
import type { FilterEntry } from './log-endpoints'
import type { LogFilter } from './log-view'
import { useEventWords } from './use-event-words'

interface Props {
  filter: LogFilter
  onFilter: (filter: LogFilter) => void
  /** The Endpoint filter's entries: the endpoints with rows in the log, running or ended. */
  endpoints: FilterEntry[]
  /** Rows shown, events waiting while paused, events the window had to drop (full). */
  shown: number
  behind: number
  dropped: number
  paused: boolean
  onPause: () => void
  onClear: () => void
  /** What the exports write. */
  rows: readonly LabEvent[]
  base: number
}

const PROTOCOLS: (Proto | 'all')[] = ['all', 'TCP', 'UDP', 'HTTP']

/** One line of controls above the log; at narrow widths the labels hide (they stay the controls' names). */
export function LogToolbar({ filter, onFilter, endpoints, shown, behind, dropped, paused, onPause, onClear, rows, base }: Props): React.JSX.Element {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
  const words = useEventWords()
  const count = `${shown.toLocaleString('en')} events${behind > 0 ? ` · paused, ${behind.toLocaleString('en')} new` : ''}${dropped > 0 ? ` · ${dropped.toLocaleString('en')} older dropped` : ''}`
  return (
    <div className="log-bar">
      <h2>Packet log</h2>
      <label className="field inline">
        <span>Protocol</span>
        <select value={filter.proto} data-testid="log-filter-proto" onChange={(e) => onFilter({ ...filter, proto: e.target.value as LogFilter['proto'] })}>
          {PROTOCOLS.map((p) => (
            <option key={p} value={p}>
              {p === 'all' ? 'All protocols' : p}
            </option>
          ))}
        </select>
      </label>
      <EndpointFilter filter={filter} onFilter={onFilter} endpoints={endpoints} />
      <label className="field inline find">
        <span>Find</span>
        <input type="search" value={filter.text} placeholder="text, address, hex" data-testid="log-filter-text" onChange={(e) => onFilter({ ...filter, text: e.target.value })} />
      </label>
      <label className="check" title="Also list the lines the programs print in their consoles">
        <input type="checkbox" checked={filter.consoleLines} data-testid="log-console-lines" onChange={(e) => onFilter({ ...filter, consoleLines: e.target.checked })} />
        <span>Console lines</span>
      </label>
      <span className="count" data-testid="log-count" aria-live="polite" title={count}>
        {count}
      </span>
      <button type="button" aria-pressed={paused} onClick={onPause} data-testid="log-pause">
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button type="button" onClick={onClear} title="Clear every row of this window's log for good, also those the filters hide (the consoles keep their lines; other windows keep their log)" data-testid="log-clear">
        Clear
      </button>
      <div className="export" role="group" aria-label="Export what is shown">
        <span aria-hidden="true">Export</span>
        <button type="button" aria-label="Export JSON" title="Export what is shown as JSON" onClick={() => download(`socklab-log-${stamp}.json`, toJson(rows), 'application/json')} data-testid="log-export-json">
          JSON
        </button>
        <button type="button" aria-label="Export CSV" title="Export what is shown as CSV" onClick={() => download(`socklab-log-${stamp}.csv`, toCsv(rows, base, words), 'text/csv')} data-testid="log-export-csv">
          CSV
        </button>
      </div>
    </div>
  )
}

/** The endpoints with rows in the log, grouped by lab, each by its full name ("TCP Client 2 (ended)"): unambiguous in every lab. */
function EndpointFilter({ filter, onFilter, endpoints }: Pick<Props, 'filter' | 'onFilter' | 'endpoints'>): React.JSX.Element {
  return (
    <label className="field inline">
      <span>Endpoint</span>
      <select className="endpoint-filter" value={filter.endpoint} data-testid="log-filter-endpoint" onChange={(e) => onFilter({ ...filter, endpoint: e.target.value })}>
        <option value="all">All endpoints</option>
        {LABS.filter((l) => endpoints.some((n) => n.lab === l.kind)).map((l) => (
          <optgroup key={l.kind} label={`${l.title} lab`}>
            {endpoints
              .filter((n) => n.lab === l.kind)
              .map((n) => (
                <option key={n.key} value={n.key} className={n.ended ? 'ended' : undefined}>
                  {n.label}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </label>
  )
}
