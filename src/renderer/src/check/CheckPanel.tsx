// The window's Check panel (issue 18): grades a server the student started outside socklab, by its
// address and port, with socklab's own server checks (the host's checkServer verb). The page never
// starts a program. The checklist comes back as data; its words are made here from the `check`
// catalog, in the window's language; addresses, bytes and the course's lines stay data.

import { useState } from 'react'
import { createPortal } from 'react-dom'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import type { CallError, CheckItem, CheckServerRequest, CheckServerResult, CheckTitle, LabApi } from '../../../shared/contract'
import type { Family } from '../../../shared/events'
import { say } from '../../../shared/i18n/said'
import './check.css'

type What = CheckServerRequest['what']
const WHATS: What[] = ['tcp-server', 'udp-server', 'http-server']
/** Where the course's servers listen by default. */
const COURSE_PORT = { 'tcp-server': 12000, 'udp-server': 12000, 'http-server': 6789 } as const

function titleText(t: TFunction, lang: string, title: CheckTitle): string {
  // The key is one of the catalog's check:items.* (listed in src/check/runner.ts).
  if ('key' in title) return (t as (k: string) => string)(title.key)
  return title.own[lang] ?? title.own.en
}

function whatWords(t: TFunction<'check'>, what: What): string {
  switch (what) {
    case 'tcp-server':
      return t('panel.what.tcpServer')
    case 'udp-server':
      return t('panel.what.udpServer')
    case 'http-server':
      return t('panel.what.httpServer')
  }
}

const points = (n: number): string => String(Math.round(n * 100) / 100)

function ItemRow({ item, t, lang }: { item: CheckItem; t: TFunction<'check'>; lang: string }): React.JSX.Element {
  const mark = item.status === 'pass' ? '✓' : item.status === 'fail' ? '✗' : '–'
  const v = item.verdict
  const tt = t as unknown as TFunction
  const line =
    item.status === 'skipped'
      ? t('report.skipped', { gate: titleText(tt, lang, item.gateTitle!) })
      : item.status === 'fail' && v
        ? t('report.expectedSaw', { expected: say(tt, v.expected!), saw: say(tt, v.saw!) })
        : v?.note
          ? say(tt, v.note)
          : undefined
  return (
    <li className={`check-item ${item.status}`} data-testid={`check-item-${item.id}`} data-status={item.status}>
      <div className="check-head">
        <span className="check-mark" aria-label={t(`panel.status.${item.status}`)} translate="no">
          {mark}
        </span>
        {/* t('panel.status.pass') t('panel.status.fail') t('panel.status.skipped') */}
        <span className="check-title">{titleText(tt, lang, item.title)}</span>
        {item.gate && <span className="check-gate">{t('report.gate')}</span>}
        <span className="check-points" translate="no">
          {points(item.status === 'pass' ? item.weight : 0)}/{points(item.weight)}
        </span>
      </div>
      {line && (
        <div className="check-line" data-testid={`check-line-${item.id}`}>
          {line}
        </div>
      )}
    </li>
  )
}

export function CheckPanel({ api, family, open, onClose }: { api: LabApi; family: Family; open: boolean; onClose: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation('check')
  const [what, setWhat] = useState<What>('tcp-server')
  const [address, setAddress] = useState(family === 'IPv6' ? '::1' : '127.0.0.1')
  const [port, setPort] = useState(String(COURSE_PORT['tcp-server']))
  const [concurrent, setConcurrent] = useState(false)
  const [root, setRoot] = useState('')
  const [running, setRunning] = useState(false)
  const [result, setResult] = useState<CheckServerResult>()
  const [error, setError] = useState<string>()
  const tt = t as unknown as TFunction

  const run = async (): Promise<void> => {
    setRunning(true)
    setError(undefined)
    setResult(undefined)
    try {
      const fam: Family = address.includes(':') ? 'IPv6' : 'IPv4'
      const request: CheckServerRequest = { what, address: address.trim(), port: Number(port), family: fam, ...(what === 'tcp-server' && { concurrent }), ...(what === 'http-server' && { root: root.trim() }) }
      setResult(await api.checkServer(request))
    } catch (err) {
      const e = err as CallError
      setError(e.said ? say(tt, e.said) : e.message)
    } finally {
      setRunning(false)
    }
  }

  const failed = result ? result.items.filter((i) => i.status !== 'pass').length + result.problems.length : 0
  return (
    // Kept mounted once opened (hidden when closed): the last result stays while the student zooms or looks at the lab.
    <div className="check-backdrop" hidden={!open} onClick={(e) => e.target === e.currentTarget && onClose()}>
      <section className="check-panel" role="dialog" aria-modal="true" aria-labelledby="check-heading" data-testid="check-panel">
        <header className="check-top">
          <h2 id="check-heading">{t('panel.title')}</h2>
          <button type="button" onClick={onClose} data-testid="check-close">
            {t('panel.close')}
          </button>
        </header>
        <p className="check-intro">{t('panel.intro')}</p>
        <form
          className="check-form"
          onSubmit={(e) => {
            e.preventDefault()
            void run()
          }}
        >
          <label>
            {t('panel.field.what')}
            <select
              value={what}
              onChange={(e) => {
                const w = e.target.value as What
                setWhat(w)
                setPort(String(COURSE_PORT[w]))
              }}
              data-testid="check-what"
            >
              {WHATS.map((w) => (
                <option key={w} value={w}>
                  {whatWords(t, w)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('panel.field.address')}
            <input value={address} onChange={(e) => setAddress(e.target.value)} size={16} translate="no" data-testid="check-address" />
          </label>
          <label>
            {t('panel.field.port')}
            <input value={port} onChange={(e) => setPort(e.target.value)} size={6} inputMode="numeric" translate="no" data-testid="check-port" />
          </label>
          {what === 'tcp-server' && (
            <label className="check-inline">
              <input type="checkbox" checked={concurrent} onChange={(e) => setConcurrent(e.target.checked)} data-testid="check-concurrent" />
              {t('panel.field.concurrent')}
            </label>
          )}
          {what === 'http-server' && (
            <label className="check-wide">
              {t('panel.field.root')}
              <input value={root} onChange={(e) => setRoot(e.target.value)} placeholder={t('panel.field.rootHint')} translate="no" data-testid="check-root" />
            </label>
          )}
          <button type="submit" className="primary" disabled={running} data-testid="check-run">
            {running ? t('panel.running') : t('panel.run')}
          </button>
        </form>
        {error && (
          <p className="check-error" role="alert" data-testid="check-error">
            {error}
          </p>
        )}
        {result && (
          <div className="check-result" data-testid="check-result">
            <p className="check-where">
              {t('panel.checked', { what: whatWords(t, result.check) })} <span translate="no">{result.where}</span>
            </p>
            <ul className="check-list">
              {result.problems.map((p) => (
                <li key={p.file} className="check-item fail">
                  ✗ {t('report.brokenCase', { file: p.file, problem: say(tt, p.problem) })}
                </li>
              ))}
              {result.items.map((i) => (
                <ItemRow key={`${i.caseId}/${i.id}`} item={i} t={t} lang={i18n.language} />
              ))}
            </ul>
            <p className={result.passed ? 'check-score passed' : 'check-score'} data-testid="check-score">
              {t('report.score', { score: points(result.score), max: points(result.maxScore) })} · {result.passed ? t('report.allPassed') : t('report.notAllPassed', { count: failed })}
            </p>
          </div>
        )}
      </section>
    </div>
  )
}

/** The header's button that opens the panel. */
export function CheckOpener({ api, family }: { api: LabApi; family: Family }): React.JSX.Element {
  const { t } = useTranslation('check')
  const [open, setOpen] = useState(false)
  const [opened, setOpened] = useState(false)
  return (
    <>
      <button
        type="button"
        className="tab"
        onClick={() => {
          setOpen(true)
          setOpened(true)
        }}
        title={t('panel.openHint')}
        data-testid="check-open"
      >
        {t('panel.open')}
      </button>
      {/* In the body: a pane the button sits in may contain its layout, which would hold a fixed dialog inside it. */}
      {opened && createPortal(<CheckPanel api={api} family={family} open={open} onClose={() => setOpen(false)} />, document.body)}
    </>
  )
}
