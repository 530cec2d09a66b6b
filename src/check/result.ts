// What a check found, as data: per item pass or fail, and for a failure what was expected and
// what was seen, each a Said (the words are made by the report, in the chosen language). Bytes
// are shown as data: a quoted, escaped and shortened text, never translated.

import { said, type Said } from '../shared/i18n/said'
import type { Payload } from './cases'

export type Status = 'pass' | 'fail' | 'skipped'

export interface Verdict {
  pass: boolean
  expected?: Said
  saw?: Said
  /** Said of a pass when it matters how it passed (an iterative server made the client wait). */
  note?: Said
}

export const ok = (note?: Said): Verdict => ({ pass: true, note })
export const bad = (expected: Said, saw: Said): Verdict => ({ pass: false, expected, saw })

/** Shown as data: a quoted text, escapes for what does not print, at most `max` characters then `…`. */
export function quoted(bytes: Uint8Array | string, max = 40): string {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('latin1')
  const cut = text.length > max ? text.slice(0, max) : text
  const shown = JSON.stringify(cut).slice(1, -1)
  return `"${shown}${text.length > max ? '…' : ''}"`
}

/** `11 bytes "HELLO WORLD"`, in the report's language. */
export const bytesSaid = (bytes: Uint8Array): Said => said('check:data.bytes', { count: bytes.length, text: quoted(bytes) })

/** The bytes a payload stands for. */
export function payloadBytes(p: Payload): Buffer {
  if (typeof p === 'string') return Buffer.from(p, 'utf8')
  const unit = Buffer.from(p.repeat, 'utf8')
  const out = Buffer.alloc(p.bytes)
  for (let i = 0; i < p.bytes; i += unit.length) unit.copy(out, i, 0, Math.min(unit.length, p.bytes - i))
  return out
}

/** ASCII letters upper-cased, as Python's bytes.upper() does: other bytes as they are. */
export function upper(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes)
  for (let i = 0; i < out.length; i++) if (out[i] >= 0x61 && out[i] <= 0x7a) out[i] -= 0x20
  return out
}

export type Reply = 'upper' | 'same' | { text: string }

/** What a peer that follows the case would send back for `sent`, cut to `limit` bytes first. */
export function expectedReply(reply: Reply, sent: Uint8Array, limit?: number): Buffer {
  const kept = limit !== undefined ? sent.subarray(0, limit) : sent
  if (reply === 'upper') return upper(kept)
  if (reply === 'same') return Buffer.from(kept)
  return Buffer.from(reply.text, 'utf8')
}

/** Where the first difference is, for a reply of the right length with the wrong bytes. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return n
}

/** A reply compared with the one expected: ok, or "expected 1,024 bytes "…", saw 3,000 bytes "…"". */
export function compareReply(expected: Buffer, got: Buffer): Verdict {
  if (expected.equals(got)) return ok()
  if (got.length === 0) return bad(bytesSaid(expected), said('check:saw.empty'))
  if (expected.length === got.length && expected.length > 40) {
    const at = firstDifference(expected, got)
    const from = Math.max(0, at - 10)
    return bad(
      said('check:data.bytesAt', { count: expected.length, at, text: quoted(expected.subarray(from, from + 40)) }),
      said('check:data.bytesAt', { count: got.length, at, text: quoted(got.subarray(from, from + 40)) })
    )
  }
  return bad(bytesSaid(expected), bytesSaid(got))
}
