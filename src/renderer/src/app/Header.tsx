import type { Family } from '../../../shared/events'
import type { HostInfo } from '../../../shared/contract'
import type { LabKind } from '../lab/lab-state'
import { LABS } from '../lab/lab-state'
import type { Theme } from '../ui/zoom'
import { LanguageSwitch } from './LanguageSwitch'

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
}

export function Header({ info, lab, family, zoom, theme, onLab, onFamily, onZoom, onTheme }: Props): React.JSX.Element {
  return (
    <header className="top">
      <h1>socklab</h1>
      <nav className="labs" role="tablist" aria-label="Lab">
        {LABS.map((l) => (
          <button key={l.kind} type="button" role="tab" aria-selected={l.kind === lab} className={l.kind === lab ? 'tab active' : 'tab'} onClick={() => onLab(l.kind)} data-testid={`lab-${l.kind}`}>
            {l.title}
          </button>
        ))}
      </nav>
      <div className="family" role="group" aria-label="IP version">
        {(['IPv4', 'IPv6'] as const).map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={family === f}
            className={family === f ? 'seg active' : 'seg'}
            disabled={f === 'IPv6' && !info.ipv6}
            title={f === 'IPv6' && !info.ipv6 ? 'This machine has no IPv6 loopback (::1)' : `Use ${f} addresses`}
            onClick={() => onFamily(f)}
            data-testid={`family-${f}`}
          >
            {f}
          </button>
        ))}
      </div>
      <span className="spacer" />
      <LanguageSwitch />
      <div className="view" role="group" aria-label="View">
        <button type="button" onClick={() => onZoom(-1)} aria-label="Zoom out (Ctrl −)" data-testid="zoom-out">
          A−
        </button>
        <button type="button" onClick={() => onZoom(0)} aria-label="Reset zoom (Ctrl 0)" data-testid="zoom-reset">
          {Math.round(zoom * 100)}%
        </button>
        <button type="button" onClick={() => onZoom(1)} aria-label="Zoom in (Ctrl +)" data-testid="zoom-in">
          A+
        </button>
        <button type="button" aria-pressed={theme === 'contrast'} onClick={() => onTheme(theme === 'contrast' ? 'dark' : 'contrast')} data-testid="theme-contrast">
          High contrast
        </button>
      </div>
      <span className="host" data-testid="host-info">
        {info.version} · {info.host === 'electron' ? 'desktop app' : 'browser host'}
      </span>
    </header>
  )
}
