// The relay between the lab's clients and its server (TCP and UDP labs): hidden behind a slim
// "Relay" bar until the student opens it; then its port, seed and impairments per direction,
// Start/Stop, what it did each way, an honest note for TCP, and its console (one line per record).

import { useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { formatSockAddr } from '../../../shared/events'
import { consoleKey } from '../../../shared/console-keys'
import type { EndpointConfig } from '../../../shared/contract'
import { RELAY_DIRECTIONS as DIRECTIONS, type Direction } from '../../../shared/relay-events'
import type { Said } from '../../../shared/i18n/said'
import type { ConsoleRegistry } from '../consoles/consoles'
import { ConsoleView } from '../consoles/ConsoleView'
import type { EventStore } from '../feed/event-store'
import type { LabState } from '../lab/lab-state'
import { TextField } from '../ui/Field'
import { useWords } from '../ui/use-words'
import { RelayCounter } from './relay-counters'
import { defaultRelayFields, fieldsOf, relayConfig, relayTarget, type ImpairmentField, type RelayFields } from './relay-state'

/** The fields as the student left them, per lab: they outlive a switch of lab (the panel is made anew). */
const kept = new Map<string, RelayFields>()
/** Whether the student opened the relay, per lab. */
const opened = new Set<string>()

interface Props {
  lab: LabState
  registry: ConsoleRegistry
  store: EventStore
  onStart: (config: EndpointConfig) => void
  onStop: () => void
  /** The panel opened or closed: the lab's layout makes room for it. */
  onOpen: (open: boolean) => void
}

export function RelayPanel({ lab, registry, store, onStart, onStop, onOpen }: Props): React.JSX.Element {
  const { t } = useTranslation('relay')
  const words = useWords()
  const [fields, setFieldsState] = useState<RelayFields>(() => kept.get(lab.kind) ?? defaultRelayFields(lab.server.port))
  const [problem, onProblem] = useState<Said | undefined>()
  const [open, setOpen] = useState(() => opened.has(lab.kind) || lab.relay !== undefined)
  const running = lab.relay !== undefined
  // The layout follows what this panel shows (after a lab switch too).
  useEffect(() => onOpen(open || running), [onOpen, open, running])
  const counter = useMemo(() => new RelayCounter(store, lab.relay?.id), [store, lab.relay?.id])
  const counts = useSyncExternalStore(counter.subscribe, counter.getSnapshot)
  const name = lab.kind.toUpperCase()
  const setFields = (f: RelayFields): void => {
    kept.set(lab.kind, f)
    setFieldsState(f)
  }
  const show = (yes: boolean): void => {
    if (yes) opened.add(lab.kind)
    else opened.delete(lab.kind)
    setOpen(yes)
    onOpen(yes)
  }
  if (!open && !running) {
    return (
      <div className="relay-bar">
        <button type="button" onClick={() => show(true)} title={t('window.showHint')} data-testid="relay-show">
          {t('window.show')}
        </button>
      </div>
    )
  }
  const start = (): void => {
    const checked = relayConfig(lab, fields)
    if ('problem' in checked) return onProblem(checked.problem)
    onProblem(undefined)
    onStart(checked.config)
  }
  const impairment = (dir: Direction, k: ImpairmentField): React.JSX.Element => (
    <input
      type="text"
      inputMode="numeric"
      value={fields[dir][k] ?? ''}
      disabled={running}
      translate="no"
      spellCheck={false}
      autoComplete="off"
      // t('relay:window.field.loss') …: the row's label, then the direction, as its name.
      aria-label={`${label(k)}, ${dir === 'c2s' ? t('dir.c2s') : t('dir.s2c')}`}
      data-testid={`relay-${dir}-${k}`}
      onChange={(e) => setFields({ ...fields, [dir]: { ...fields[dir], [k]: e.target.value } })}
    />
  )
  function label(k: ImpairmentField): string {
    switch (k) {
      case 'loss':
        return t('window.field.loss')
      case 'duplicate':
        return t('window.field.duplicate')
      case 'reorder':
        return t('window.field.reorder')
      case 'delay':
        return t('window.field.delay')
      case 'jitter':
        return t('window.field.jitter')
      case 'rate':
        return t('window.field.rate')
      case 'slice':
        return t('window.field.slice')
      case 'limit':
        return t('window.field.limit')
      case 'resetAfter':
        return t('window.field.resetAfter')
    }
  }
  const where = lab.relay?.local ? formatSockAddr(lab.relay.local) : '…'
  const target = relayTarget(lab)
  return (
    <section className="panel relay-panel" aria-label={t('window.title', { lab: name })} data-testid="relay-panel">
      <header className="panel-head">
        <h2>{t('window.title', { lab: name })}</h2>
        <span className={running ? 'status on' : 'status'} data-testid="relay-status" role="status">
          {running ? t('window.running', { address: where, target }) : t('window.stopped')}
        </span>
        <div className="actions">
          {running ? (
            <button type="button" className="primary" onClick={onStop} data-testid="relay-stop">
              {t('window.stop')}
            </button>
          ) : (
            <>
              <button type="button" className="primary" onClick={start} data-testid="relay-start">
                {t('window.start')}
              </button>
              <button type="button" onClick={() => show(false)} title={t('window.hide')} aria-label={t('window.hide')} data-testid="relay-hide">
                <span aria-hidden="true" translate="no">
                  ×
                </span>
              </button>
            </>
          )}
        </div>
      </header>
      <div className="relay-settings">
        <div className="fields">
          <TextField label={t('window.port')} value={fields.port} disabled={running} inputMode="numeric" testId="relay-port" onChange={(port) => setFields({ ...fields, port })} />
          <TextField label={t('window.seed')} title={t('window.seedHint')} value={fields.seed} disabled={running} inputMode="numeric" testId="relay-seed" onChange={(seed) => setFields({ ...fields, seed })} />
        </div>
        <div className="relay-grid" role="group" aria-label={t('window.impairments')}>
          <span />
          {DIRECTIONS.map((d) => (
            <span key={d} className="relay-dir">
              {d === 'c2s' ? t('dir.c2s') : t('dir.s2c')}
            </span>
          ))}
          {fieldsOf(lab.kind).map((k) => (
            <div key={k} className="relay-row">
              <span className="relay-label">{label(k)}</span>
              {impairment('c2s', k)}
              {impairment('s2c', k)}
            </div>
          ))}
        </div>
        <p className="relay-note" data-testid="relay-note">
          {running ? t('window.clientsFollow', { port: lab.relay?.local?.port ?? '?' }) : t('window.clientsDirect')}
          {lab.kind === 'tcp' && <> {t('start.tcpNote')}</>}
        </p>
      </div>
      <ul className="relay-counts" aria-label={t('window.counters')} data-testid="relay-counts">
        {DIRECTIONS.map((d) => (
          <li key={d} data-testid={`relay-count-${d}`}>
            {t('event.totals', { dir: d === 'c2s' ? t('dir.c2s') : t('dir.s2c'), ...counts[d] })}
          </li>
        ))}
      </ul>
      <p className="problem" role="alert" data-testid="relay-problem">
        {words(problem)}
      </p>
      <ConsoleView registry={registry} consoleKey={consoleKey(lab.kind, 'relay')} label={t('window.console', { lab: name })} />
    </section>
  )
}
