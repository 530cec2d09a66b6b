// The engine's words are data (a Said: a key of a catalog and its parameters), worded at the edge
// in the window's or the CLI's language. Only what goes on the wire is worded here, always in
// English: an HTTP error page's sentence is part of the response, the same whoever reads the log,
// as a real server's is. English is also the `info` of a note and the message of a LabError, for an
// edge that does not word them yet.

import type { i18n } from 'i18next'
import { createI18n } from '../shared/i18n/i18n'
import { say, type Said } from '../shared/i18n/said'

let en: i18n | undefined

/** The English words of `s` (the `http` catalog's English: numbers on the wire are never grouped there). */
export function english(s: Said): string {
  en ??= createI18n('en')
  return say(en.t, s)
}
