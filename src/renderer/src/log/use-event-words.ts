// An event's words in the window's language, for components: the same t() the window's other
// words use, so that a switch of language re-renders them at once; each event is worded once per
// language (wordsOnce), so that the text filter's every keystroke costs no more than before.

import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import type { LabEvent } from '../../../shared/events'
import { wordsOnce, type TFunction } from '../../../shared/event-words'

export type EventWords = (e: LabEvent) => string

export function useEventWords(): EventWords {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  return useCallback((e: LabEvent) => wordsOnce(e, t as unknown as TFunction, lang), [t, lang])
}
