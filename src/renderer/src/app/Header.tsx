import type { Family } from '../../../shared/events'
import type { HostInfo } from '../../../shared/contract'
import type { LabKind } from '../lab/lab-state'
import { LABS } from '../lab/lab-state'
import type { Theme } from '../ui/zoom'
import { useTranslation } from 'react-i18next'
import { LanguageSwitch } from './LanguageSwitch'

/** Data, not words (translate="no" where they show): the program's name, and the zoom buttons' letters. */
const NAME = 'socklab'
const SMALLER = 'A−'
const LARGER = 'A+'

interface Props {
  info: HostInfo
  lab: LabKind
  family: Family
  zoom: number
  theme: Theme
  onLab: (lab: LabKind) => void
  onFamily: (family: Family) => void
  onZoom: (direction: 1 | -1 | 0) => void
  onTheme: (theme: Theme) => void
  /** Shown before the language switch (the Check panel's button). */
  tools?: React.ReactNode
}

export function Header({ info, lab, family, zoom, theme, onLab, onFamily, onZoom, onTheme, tools }: Props): React.JSX.Element {
  const { t } = useTranslation('lab')
  return (
    <header className="top">
      <h1 translate="no">{NAME}</h1>
      <nav className="labs" role="tablist" aria-label={t('header.labs')}>
        {LABS.map((l) => (
          <button key={l.kind} type="button" role="tab" aria-selected={l.kind === lab} className={l.kind === lab ? 'tab active' : 'tab'} onClick={() => onLab(l.kind)} data-testid={`lab-${l.kind}`} translate="no">
            {l.title}
          </button>
        ))}
      </nav>
      <div className="family" role="group" aria-label={t('header.ipVersion')}>
        {(['IPv4', 'IPv6'] as const).map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={family === f}
            className={family === f ? 'seg active' : 'seg'}
            disabled={f === 'IPv6' && !info.ipv6}
            title={f === 'IPv6' && !info.ipv6 ? t('header.noIpv6') : t('header.useFamily', { family: f })}
            onClick={() => onFamily(f)}
            data-testid={`family-${f}`}
            translate="no"
          >
            {f}
          </button>
        ))}
      </div>
      <span className="spacer" />
      {tools}
      <LanguageSwitch />
      <div className="view" role="group" aria-label={t('header.view')}>
        <button type="button" onClick={() => onZoom(-1)} aria-label={t('header.zoomOut')} data-testid="zoom-out" translate="no">
          {SMALLER}
        </button>
        <button type="button" onClick={() => onZoom(0)} aria-label={t('header.zoomReset')} data-testid="zoom-reset" translate="no">
          {Math.round(zoom * 100)}%
        </button>
        <button type="button" onClick={() => onZoom(1)} aria-label={t('header.zoomIn')} data-testid="zoom-in" translate="no">
          {LARGER}
        </button>
        <button type="button" aria-pressed={theme === 'contrast'} onClick={() => onTheme(theme === 'contrast' ? 'dark' : 'contrast')} data-testid="theme-contrast">
          {t('header.contrast')}
        </button>
      </div>
      <span className="host" data-testid="host-info">
        <span translate="no">{info.version}</span> · {info.host === 'electron' ? t('header.desktop') : t('header.browser')}
      </span>
    </header>
  )
}
