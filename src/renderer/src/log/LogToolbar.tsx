import type { LabEvent, Proto } from '../../../shared/events'
import { download, toCsv, toJson } from './export'
import { LABS } from '../lab/lab-state'
import type { FilterEntry } from './log-endpoints'
import type { LogFilter } from './log-view'
import { useTranslation } from 'react-i18next'
import { useWords } from '../ui/use-words'
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
/** The export formats' names: data (translate="no"). */
const FORMATS = { json: 'JSON', csv: 'CSV' }

/** One line of controls above the log; at narrow widths the labels hide (they stay the controls' names). */
export function LogToolbar({ filter, onFilter, endpoints, shown, behind, dropped, paused, onPause, onClear, rows, base }: Props): React.JSX.Element {
  const { t } = useTranslation('log')
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
  const eventWordsOf = useEventWords()
  const count = `${t('toolbar.events', { count: shown })}${behind > 0 ? t('toolbar.behind', { count: behind }) : ''}${dropped > 0 ? t('toolbar.dropped', { count: dropped }) : ''}`
  return (
    <div className="log-bar">
      <h2>{t('title')}</h2>
      <label className="field inline">
        <span>{t('toolbar.protocol')}</span>
        <select value={filter.proto} data-testid="log-filter-proto" onChange={(e) => onFilter({ ...filter, proto: e.target.value as LogFilter['proto'] })}>
          {PROTOCOLS.map((p) => (
            <option key={p} value={p} translate={p === 'all' ? undefined : 'no'}>
              {p === 'all' ? t('toolbar.allProtocols') : p}
            </option>
          ))}
        </select>
      </label>
      <EndpointFilter filter={filter} onFilter={onFilter} endpoints={endpoints} />
      <label className="field inline find">
        <span>{t('toolbar.find')}</span>
        <input type="search" value={filter.text} placeholder={t('toolbar.findPlaceholder')} title={t('toolbar.findHint')} data-testid="log-filter-text" onChange={(e) => onFilter({ ...filter, text: e.target.value })} />
      </label>
      <label className="check" title={t('toolbar.consoleLinesHint')}>
        <input type="checkbox" checked={filter.consoleLines} data-testid="log-console-lines" onChange={(e) => onFilter({ ...filter, consoleLines: e.target.checked })} />
        <span>{t('toolbar.consoleLines')}</span>
      </label>
      <span className="count" data-testid="log-count" aria-live="polite" title={count}>
        {count}
      </span>
      <button type="button" aria-pressed={paused} onClick={onPause} data-testid="log-pause">
        {paused ? t('toolbar.resume') : t('toolbar.pause')}
      </button>
      <button type="button" onClick={onClear} title={t('toolbar.clearHint')} data-testid="log-clear">
        {t('toolbar.clear')}
      </button>
      <div className="export" role="group" aria-label={t('toolbar.exportGroup')}>
        <span aria-hidden="true">{t('toolbar.export')}</span>
        <button type="button" aria-label={t('toolbar.exportJson')} title={t('toolbar.exportJsonHint')} onClick={() => download(`socklab-log-${stamp}.json`, toJson(rows), 'application/json')} data-testid="log-export-json" translate="no">
          {FORMATS.json}
        </button>
        <button type="button" aria-label={t('toolbar.exportCsv')} title={t('toolbar.exportCsvHint')} onClick={() => download(`socklab-log-${stamp}.csv`, toCsv(rows, base, eventWordsOf), 'text/csv')} data-testid="log-export-csv" translate="no">
          {FORMATS.csv}
        </button>
      </div>
    </div>
  )
}

/** The endpoints with rows in the log, grouped by lab, each by its full name ("TCP Client 2 (ended)"): unambiguous in every lab. */
function EndpointFilter({ filter, onFilter, endpoints }: Pick<Props, 'filter' | 'onFilter' | 'endpoints'>): React.JSX.Element {
  const { t } = useTranslation('log')
  const words = useWords()
  return (
    <label className="field inline">
      <span>{t('toolbar.endpoint')}</span>
      <select className="endpoint-filter" value={filter.endpoint} data-testid="log-filter-endpoint" onChange={(e) => onFilter({ ...filter, endpoint: e.target.value })}>
        <option value="all">{t('toolbar.allEndpoints')}</option>
        {LABS.filter((l) => endpoints.some((n) => n.lab === l.kind)).map((l) => (
          <optgroup key={l.kind} label={t('toolbar.labGroup', { lab: l.title })}>
            {endpoints
              .filter((n) => n.lab === l.kind)
              .map((n) => (
                <option key={n.key} value={n.key} className={n.ended ? 'ended' : undefined}>
                  {words(n.said)}
                </option>
              ))}
          </optgroup>
        ))}
      </select>
    </label>
  )
}
