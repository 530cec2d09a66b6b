// The gate every call from a UI passes: the verb must exist, the arguments must match its schema,
// and whatever happens the caller gets one reply envelope with a one-line message, never a throw.

import type { LabHandlers, Reply, Verb } from '../shared/contract'
import { isVerb } from '../shared/contract'
import { argSchemas, describeIssue } from '../shared/schemas'

export async function dispatch(handlers: LabHandlers, verb: unknown, args: unknown): Promise<Reply<unknown>> {
  if (!isVerb(verb)) return { ok: false, error: `unknown command <${String(verb).slice(0, 40)}>`, code: 'EBADCALL' }
  const parsed = argSchemas[verb].safeParse(args)
  if (!parsed.success) return { ok: false, error: describeIssue(parsed.error, verb), code: 'EBADCALL' }
  try {
    const call = handlers[verb] as (...a: unknown[]) => unknown
    const value = await call(...(parsed.data as unknown[]))
    return { ok: true, value: value ?? null }
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown; reported?: unknown }
    const message = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err)
    // `reported`: the endpoint said it as an event already; the window shows that one, not this too.
    return { ok: false, error: message, code: typeof e?.code === 'string' ? e.code : undefined, ...(e?.reported === true && { reported: true as const }) }
  }
}

export type { Verb }
