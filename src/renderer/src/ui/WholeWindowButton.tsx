// The button of useWholeWindow: "Whole …" gives the view the window, "Back" (or Esc) returns.

import { useTranslation } from 'react-i18next'
import type { WholeWindow } from './use-whole-window'

interface Props {
  state: WholeWindow
  /** "Whole ladder", "Whole wire". */
  label: string
  /** What the view then shows, for the tooltip: "The whole ladder in the window, scaled to fit". */
  tip: string
  testId: string
  disabled?: boolean
}

export function WholeWindowButton({ state, label, tip, testId, disabled = false }: Props): React.JSX.Element {
  const { t } = useTranslation('lab')
  return (
    <button type="button" data-testid={testId} aria-pressed={state.whole} title={state.whole ? t('whole.backHint') : tip} onClick={state.toggle} disabled={disabled && !state.whole}>
      {state.whole ? t('whole.back') : label}
    </button>
  )
}
