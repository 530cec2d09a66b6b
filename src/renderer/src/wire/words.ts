// Words of the wire views: a Said (from the models) in the words of the window's language, with the
// `wire` namespace's t() of the component that shows it.

import type { TFunction } from 'i18next'
import { say, type Said } from '../../../shared/i18n/said'

/** A Said in t's language (t may be any namespace's: a Said names its own). */
export const sayIn = (t: TFunction<'wire'>, s: Said): string => say(t as unknown as TFunction, s)

/** A label that is words (a Said) in t's language; one that is data (flags, numbers, a call's name) as it is. */
export const worded = (t: TFunction<'wire'>, label: string | Said): string => (typeof label === 'string' ? label : sayIn(t, label))

/** `translate="no"` for an SVG element, whose React types do not list the attribute (the pseudo-locale check reads it). */
export const DATA_SVG = { translate: 'no' } as Record<string, string>

/** A piece of a sentence: words, or a value that is data (a seq number) for the view to mark translate="no". */
export interface SaidPart {
  text: string
  data: boolean
}

const OPEN = '\uE000'
const CLOSE = '\uE001'

/**
 * A Said in t's language, cut where its parameters named in `data` stand (in it or in a Said it
 * holds), so that a view can mark those values as data and leave the words to the pseudo-locale check.
 */
export function sayParts(t: TFunction<'wire'>, s: Said, data: readonly string[]): SaidPart[] {
  const values: string[] = []
  const mark = (x: Said): Said => {
    const params: NonNullable<Said['params']> = {}
    for (const [k, v] of Object.entries(x.params ?? {})) {
      if (typeof v === 'object') params[k] = mark(v)
      else if (data.includes(k)) params[k] = `${OPEN}${values.push(String(v)) - 1}${CLOSE}`
      else params[k] = v
    }
    return { ...x, params }
  }
  const text = sayIn(t, mark(s))
  const parts: SaidPart[] = []
  for (const [i, piece] of text.split(new RegExp(`${OPEN}(\\d+)${CLOSE}`)).entries()) {
    if (i % 2 === 1) parts.push({ text: values[Number(piece)] ?? '', data: true })
    else if (piece) parts.push({ text: piece, data: false })
  }
  return parts
}
