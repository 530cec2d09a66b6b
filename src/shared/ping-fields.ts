// The rules of the Pinger lab's own fields (the ping count, the pause between pings, the server's
// loss and seed), stated once as schemas with their words, as field-rules.ts states the others.

import { z } from 'zod'
import { say } from './field-rules'
import { said } from './i18n/said'

/** The most pings one run of the window's client sends (the CLI allows more: PING_LIMITS). */
export const PING_COUNT_MAX = 1000
/** The longest pause between two pings, in ms. */
export const PING_INTERVAL_MAX_MS = 60_000

// The labels' keys, for the catalog's checks: t('pinger:field.count') t('pinger:field.interval') t('pinger:field.loss') t('pinger:field.seed')
const mustBe = (label: string, labelKey: Parameters<typeof said>[0], rule: string, ruleSaid: ReturnType<typeof said>): string =>
  say(`${label} must be ${rule}`, said('wire:field.mustBe', { label: said(labelKey), rule: ruleSaid }))

const countMessage = mustBe('Pings', 'pinger:field.count', `an integer in 1..${PING_COUNT_MAX}`, said('pinger:field.countRule', { max: String(PING_COUNT_MAX) }))
const intervalMessage = mustBe('Interval', 'pinger:field.interval', `a number of seconds in 0..${PING_INTERVAL_MAX_MS / 1000}`, said('pinger:field.intervalRule', { max: String(PING_INTERVAL_MAX_MS / 1000) }))
const lossMessage = mustBe('Loss %', 'pinger:field.loss', 'a number in 0..100, or empty for the textbook’s rule', said('pinger:field.lossRule'))
const seedMessage = mustBe('Seed', 'pinger:field.seed', 'an integer in 0..4294967295, or empty for a new one each start', said('pinger:field.seedRule'))

const integerIn = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max

export const pingFields = {
  count: { schema: z.number({ error: countMessage }).refine(integerIn(1, PING_COUNT_MAX), { error: countMessage }) },
  /** In milliseconds, worded in seconds as students type them. */
  intervalMs: { schema: z.number({ error: intervalMessage }).refine(integerIn(0, PING_INTERVAL_MAX_MS), { error: intervalMessage }) },
  loss: { schema: z.number({ error: lossMessage }).refine((n) => Number.isFinite(n) && n >= 0 && n <= 100, { error: lossMessage }) },
  seed: { schema: z.number({ error: seedMessage }).refine(integerIn(0, 0xffffffff), { error: seedMessage }) }
}
