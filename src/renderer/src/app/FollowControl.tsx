// This window's number and the window it follows (window-follow.ts), at the end of the views' tab
// row: the header has no room left on a projector's zoom. A followed window that went away is
// said in the menu's own line, in red; the whole sentence is its tooltip and a status for screen readers.

import { useTranslation } from 'react-i18next'
import type { FollowState } from './window-follow'

interface Props {
  follow: FollowState
  /** Whether the window followed is open (undefined: the host does not know it). */
  leaderOpen?: boolean
  onFollow: (n: number | null) => void
}

export function FollowControl({ follow, leaderOpen, onFollow }: Props): React.JSX.Element {
  const { t } = useTranslation('lab')
  const { self, windows, following } = follow
  const others = windows.filter((w) => w.n !== self && (w.open || w.n === following))
  if (following !== null && !others.some((w) => w.n === following)) others.push({ n: following, open: false })
  // Said once the host has answered this window (before, it knows no window yet).
  const gone = following === null || self === undefined || leaderOpen ? undefined : leaderOpen === undefined ? 'away' : 'closed'
  const goneWord = gone === 'away' ? t('follow.goneAway', { n: following }) : t('follow.goneClosed', { n: following })
  const goneNote = gone === 'away' ? t('follow.noteAway', { n: following }) : t('follow.noteClosed', { n: following })
  return (
    <div className="follow" role="group" aria-label={t('follow.label')}>
      <span className="window-number" title={t('follow.numberHint')} data-testid="window-number">
        {self === undefined ? t('follow.window') : t('follow.windowN', { n: self })}
      </span>
      <select
        value={following ?? ''}
        className={gone ? 'gone' : undefined}
        onChange={(e) => onFollow(e.target.value === '' ? null : Number(e.target.value))}
        title={gone ? t('follow.pickAnother', { note: goneNote }) : t('follow.hint')}
        data-testid="follow-select"
      >
        <option value="">{t('follow.none')}</option>
        {others.map((w) => (
          <option key={w.n} value={w.n}>
            {w.n === following && gone ? goneWord : t('follow.followN', { n: w.n })}
          </option>
        ))}
      </select>
      {gone && (
        <span className="visually-hidden" role="status" data-testid="follow-note">
          {goneNote}
        </span>
      )}
    </div>
  )
}
