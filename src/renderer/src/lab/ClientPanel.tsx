import { useLayoutEffect, useRef } from 'react'
import { useOverflows } from '../ui/use-overflows'
import type { ConsoleRegistry } from '../consoles/consoles'
import type { ClientFields, ClientTab, LabState } from './lab-state'
import { clientStatus, clientStatusShort, isBusy, shownTab } from './lab-state'
import { ConsoleView } from '../consoles/ConsoleView'
import { KindFields } from './KindFields'
import { LAB_ROWS } from '../../../shared/endpoint-kinds'
import { clientOf } from '../../../shared/kinds'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { Said } from '../../../shared/i18n/said'
import { useWords, type Words } from '../ui/use-words'

/** The sign of the New client button (its name is its label): not a word. */
const PLUS = '+'

interface Props {
  lab: LabState
  registry: ConsoleRegistry
  problem?: Words
  /** The fields of client tab `key` changed (each tab has its own). */
  onChange: (key: string, fields: Partial<ClientFields>) => void
  onSelectTab: (key: string) => void
  onNewTab: () => void
  onConnect: (key: string) => void
  /** Sends what the tab's input holds. */
  onSend: (key: string) => void
  /** Ends the tab's wait for a reply, or closes its open connection (it stops the tab's endpoint). */
  onCancel: (key: string) => void
  /** What a tab's input holds (kept by the caller, so that it survives a lab switch). */
  draft: (key: string) => string
  onDraft: (key: string, text: string) => void
  /** The note of a tab's input whose sentence was cut to the limit, if it was. */
  draftCut: (key: string) => Said | undefined
  /** More fields of the tab on screen, after the kind's own (the TCP client's stream options). */
  moreFields?: (tab: ClientTab) => React.ReactNode
}

export function ClientPanel({ lab, registry, problem, onChange, onSelectTab, onNewTab, onConnect, onSend, onCancel, draft, onDraft, draftCut, moreFields }: Props): React.JSX.Element {
  const { t } = useTranslation('lab')
  const words = useWords()
  const tab = shownTab(lab)
  const c = tab.fields
  // What differs between kinds is in the lab's client kind's description: its fields, its input, its words.
  const d = clientOf(lab.kind)
  const labTitle = LAB_ROWS[lab.kind].title
  const title = t('names.clientTitle', { lab: labTitle })
  const busy = isBusy(tab)
  const status = words(clientStatus(lab.kind, tab))
  // Where the tabs leave too little room for the status, it shows in a word or two (whole on hover).
  const statusRef = useRef<HTMLSpanElement>(null)
  const compact = useOverflows(statusRef, status)
  // A sentence typed, dropped or pasted beyond the limit was cut by the controller: it says by how much.
  const cutNote = draftCut(tab.key)
  return (
    <section className="panel" aria-label={title} data-testid="client-panel">
      <header className="panel-head client-head">
        <h2>{title}</h2>
        <ClientTabs lab={lab} active={tab.key} onSelectTab={onSelectTab} onNewTab={onNewTab} />
        <span ref={statusRef} className={`status gives-way${compact ? ' compact' : ''}`} role="status" title={status} data-short={words(clientStatusShort(lab.kind, tab))} data-testid="client-status">
          <span className="status-text">{status}</span>
        </span>
      </header>
      <div className="fields">
        <KindFields specs={d.fields} values={c} onChange={(change) => onChange(tab.key, change as Partial<ClientFields>)} />
        {moreFields?.(tab)}
      </div>
      <form
        className="send-row"
        onSubmit={(e) => {
          e.preventDefault()
          onSend(tab.key)
        }}
      >
        {d.input.line !== false && (
        <label className="field grow">
          <span>{words(d.input.label)}</span>
          <input
            type="text"
            value={draft(tab.key)}
            spellCheck={false}
            autoComplete="off"
            data-testid="client-input"
            placeholder={words(d.input.placeholder)}
            // A placeholder that is data (a URL), not words: never translated.
            translate={typeof d.input.placeholder === 'string' ? 'no' : undefined}
            onChange={(e) => onDraft(tab.key, e.target.value)}
          />
        </label>
        )}
        {d.input.connects &&
          (tab.phase === 'connected' ? (
            <button type="button" onClick={() => onCancel(tab.key)} title={t('client.closeHint')} data-testid="client-close">
              {t('client.close')}
            </button>
          ) : (
            <button type="button" onClick={() => onConnect(tab.key)} disabled={busy} data-testid="client-connect">
              {t('client.connect')}
            </button>
          ))}
        <button type="submit" className="primary" disabled={busy} data-testid="client-send">
          {words(d.input.action)}
        </button>
        {busy && (
          <button type="button" onClick={() => onCancel(tab.key)} title={t('client.cancelHint')} data-testid="client-cancel">
            {t('client.cancel')}
          </button>
        )}
      </form>
      <p className="problem" role="alert" data-testid="client-problem">
        {words(problem ?? cutNote)}
      </p>
      <ConsoleView key={tab.key} registry={registry} consoleKey={tab.key} label={t('names.clientConsole', { lab: labTitle, name: tabName(t, tab.key) })} />
    </section>
  )
}

/**
 * The client tabs in a strip that scrolls sideways once they outgrow the panel's head (a lab may have
 * as many as it runs endpoints), with "+ New client" beside it, always on screen; the tab shown is
 * kept in view.
 */
function ClientTabs({ lab, active, onSelectTab, onNewTab }: { lab: LabState; active: string; onSelectTab: (key: string) => void; onNewTab: () => void }): React.JSX.Element {
  const { t } = useTranslation('lab')
  const strip = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const el = strip.current
    const tab = el?.querySelector<HTMLElement>('[aria-selected=true]')
    if (!el || !tab) return
    // Measured unrounded, rounded outwards: the whole tab in view, not all but a fraction of a pixel.
    const r = tab.getBoundingClientRect()
    const box = el.getBoundingClientRect()
    if (r.left < box.left) el.scrollLeft -= Math.ceil(box.left - r.left)
    else if (r.right > box.left + el.clientWidth) el.scrollLeft += Math.ceil(r.right - box.left - el.clientWidth)
  }, [active, lab.tabs.length])
  return (
    <div className="client-tabs">
      <div
        className="tabs"
        role="tablist"
        aria-label={t('client.clients')}
        ref={strip}
        data-testid="client-tabs"
        // A mouse wheel scrolls the strip along (it has no vertical scroll of its own).
        onWheel={(e) => {
          if (e.deltaX === 0) e.currentTarget.scrollLeft += e.deltaY
        }}
      >
        {lab.tabs.map((tab) => (
          <button
            key={tab.key}
            type="button"
            role="tab"
            aria-selected={tab.key === active}
            className={tab.key === active ? 'tab active' : 'tab'}
            onClick={() => onSelectTab(tab.key)}
            data-testid={`client-tab-${tab.label.split(' ')[1]}`}
          >
            {tabName(t, tab.key)}
            {isBusy(tab) ? ' …' : ''}
          </button>
        ))}
      </div>
      <button type="button" className="tab add" onClick={onNewTab} aria-label={t('client.newClient')} title={t('client.newClient')} data-testid="client-new">
        <span translate="no">{PLUS}</span>
        <span className="roomy"> {t('client.newClient')}</span>
      </button>
    </div>
  )
}

/** A client tab's name ("Client 2"), in the window's language, from its console key. */
function tabName(t: TFunction<'lab'>, key: string): string {
  return t('names.client', { n: key.split(':')[2] ?? '' })
}
