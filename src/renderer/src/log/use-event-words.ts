// An event's words in the window's language, for components: the same t() the window's other
// words use, so that a switch of language re-renders them at once.

import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import type { LabEvent } from '../../../shared/events'
import { eventWords, type TFunction } from '../../../shared/event-words'

export type EventWords = (e: LabEvent) => string

export function useEventWords(): EventWords {
  const { t } = useTranslation()
  return useCallback((e: LabEvent) => eventWords(e, t as unknown as TFunction), [t])
}
