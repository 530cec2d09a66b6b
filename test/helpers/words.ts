// English words for what the window's models say as data (a Said, or a host's sentence), as an
// English window shows them: the tests that assert English text read it through the en catalog.

import { createI18n } from '../../src/shared/i18n/i18n'
import { isSaid, say, type Said } from '../../src/shared/i18n/said'

export const enT = createI18n('en').t
export const itT = createI18n('it').t

/** The English words of a Said (a string stays as it is; undefined too). */
export function english<T extends Said | string | undefined>(w: T): T extends undefined ? undefined : string {
  return (isSaid(w) ? say(enT, w) : w) as T extends undefined ? undefined : string
}

/** The Italian words of a Said. */
export function italian(w: Said | string): string {
  return isSaid(w) ? say(itT, w) : w
}
