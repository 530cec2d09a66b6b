// A Said in the window's language, for modules that are not React components (the event router).

import { say, type Said } from '../../../shared/i18n/said'
import { windowI18n } from './language'

/** The words of `s` in the window's language; `fallback` where no language was started (unit tests without a window). */
export function windowSay(s: Said, fallback: string): string {
  let t
  try {
    t = windowI18n().t
  } catch {
    return fallback
  }
  return say(t, s)
}
