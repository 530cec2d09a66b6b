// "Whole ladder", "Whole wire": one action gives a view the whole window (on a projector, the
// course's exchange at once, where the pane shows a few rows); Back or Esc gives it back. The view
// adds the class `whole` (styles.css: `.log.whole`) and lays itself out for the room it then has.

import { useEffect, useState } from 'react'

export interface WholeWindow {
  whole: boolean
  toggle: () => void
}

export function useWholeWindow(): WholeWindow {
  const [whole, setWhole] = useState(false)
  useEffect(() => {
    if (!whole) return
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setWhole(false)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [whole])
  return { whole, toggle: () => setWhole((w) => !w) }
}
