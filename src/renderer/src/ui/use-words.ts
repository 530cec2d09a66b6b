// The window's words for what the models say as data: a Said (key and parameters), or a sentence
// of the host's that is no Said yet, worded in the window's language; re-rendered on a switch.

import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { say, type Said } from '../../../shared/i18n/said'

export type Words = Said | string

/** The words of `w` in t's language ('' for nothing). */
export function wordsOf(t: TFunction, w: Words | undefined): string {
  return w === undefined ? '' : typeof w === 'string' ? w : say(t, w)
}

/** wordsOf in the window's language, as a hook: the component re-renders when the language changes. */
export function useWords(): (w: Words | undefined) => string {
  const { t } = useTranslation()
  return (w) => wordsOf(t, w)
}
