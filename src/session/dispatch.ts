// The gate every call from a UI passes: the verb must exist, the arguments must match its schema,
// and whatever happens the caller gets one reply envelope with a one-line message, never a throw.

import type { LabHandlers, Reply, Verb } from '../shared/contract'
import { isVerb } from '../shared/contract'
import { argSchemas, describeIssue } from '../shared/schemas'
import { isSaid, said } from '../shared/i18n/said'

export async function dispatch(handlers: LabHandlers, verb: unknown, args: unknown): Promise<Reply<unknown>> {
  if (!isVerb(verb)) {
    const verbShown = String(verb).slice(0, 40)
    return { ok: false, error: `unknown command <${verbShown}>`, code: 'EBADCALL', said: said('error:unknownCommand', { verb: verbShown }) }
  }
  const parsed = argSchemas[verb].safeParse(args)
  if (!parsed.success) {
    const problem = describeIssue(parsed.error, verb)
    return { ok: false, error: problem, code: 'EBADCALL', said: said('error:badCall', { problem }) }
  }
  try {
    const call = handlers[verb] as (...a: unknown[]) => unknown
    const value = await call(...(parsed.data as unknown[]))
    return { ok: true, value: value ?? null }
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown; reported?: unknown; said?: unknown }
    const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err)
    // `said`: what failed as data (a LabError's), for the window to word in its language; else the message as it is.
    const what = isSaid(e?.said) ? e.said : said('error:system', { message })
    // `reported`: the endpoint said it as an event already; the window shows that one, not this too.
    return { ok: false, error: message, code: typeof e?.code === 'string' ? e.code : undefined, said: what, ...(e?.reported === true && { reported: true as const }) }
  }
}

export type { Verb }
