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
