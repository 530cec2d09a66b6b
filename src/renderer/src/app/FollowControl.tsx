// This window's number and the window it follows (window-follow.ts), at the end of the views' tab
// row: the header has no room left on a projector's zoom. A followed window that went away is
// said in the menu's own line, in red; the whole sentence is its tooltip and a status for screen readers.

import type { FollowState } from './window-follow'

interface Props {
  follow: FollowState
  /** Whether the window followed is open (undefined: the host does not know it). */
  leaderOpen?: boolean
  onFollow: (n: number | null) => void
}

export function FollowControl({ follow, leaderOpen, onFollow }: Props): React.JSX.Element {
  const { self, windows, following } = follow
  const others = windows.filter((w) => w.n !== self && (w.open || w.n === following))
  if (following !== null && !others.some((w) => w.n === following)) others.push({ n: following, open: false })
  // Said once the host has answered this window (before, it knows no window yet).
  const gone = following === null || self === undefined || leaderOpen ? undefined : leaderOpen === undefined ? 'not on this host' : 'closed'
  return (
    <div className="follow" role="group" aria-label="Follow a window">
      <span className="window-number" title="This window's number: another window can follow it" data-testid="window-number">
        {self === undefined ? 'Window' : `Window ${self}`}
      </span>
      <select
        value={following ?? ''}
        className={gone ? 'gone' : undefined}
        onChange={(e) => onFollow(e.target.value === '' ? null : Number(e.target.value))}
        title={gone ? `Window ${following} is ${gone}: this window shows what it showed last. Pick another window to follow, or none.` : 'Show what another window shows: its lab, client tab, view and selected row (for a projector)'}
        data-testid="follow-select"
      >
        <option value="">Follow: none</option>
        {others.map((w) => (
          <option key={w.n} value={w.n}>
            {w.n === following && gone ? `Window ${w.n} ${gone}` : `Follow: window ${w.n}`}
          </option>
        ))}
      </select>
      {gone && (
        <span className="visually-hidden" role="status" data-testid="follow-note">
          Window {following} is {gone}: this window shows what it showed last
        </span>
      )}
    </div>
  )
}
