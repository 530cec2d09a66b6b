// Meaning as data: what the engine, the session and the capture have to say travels as a key of
// the catalogs and its parameters, and the window or the CLI makes the words in its language.

import type { ParseKeys, TFunction } from 'i18next'
import type { Namespace } from './resources'

/** A key of any catalog, written `namespace:path` ("error:refused"). */
export type MessageKey = ParseKeys<Namespace[]>

/** A parameter: a value (a number is formatted where the catalog says `{{x, n}}`), or a sentence of its own. */
export type SaidParam = string | number | boolean | Said

/** Something to say: its key and parameters. Plurals take `count`. */
export interface Said {
  key: MessageKey
  params?: Record<string, SaidParam>
}

/** Something to say, with its key checked against the English catalogs when it compiles. */
export function said(key: MessageKey, params?: Record<string, SaidParam>): Said {
  return params ? { key, params } : { key }
}

export const isSaid = (x: unknown): x is Said => !!x && typeof x === 'object' && typeof (x as Said).key === 'string'

/** The words of a Said in t's language; a parameter that is a Said is rendered first. */
export function say(t: TFunction, s: Said): string {
  const params: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(s.params ?? {})) params[k] = isSaid(v) ? say(t, v) : v
  return (t as (key: string, options?: object) => string)(s.key, params)
}
