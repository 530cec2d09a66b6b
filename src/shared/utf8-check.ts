// Where Python's bytes.decode() (UTF-8, strict) would fail on a reply, and why: the fields of its
// UnicodeDecodeError. The course's clients decode what recv() returned, so a recv(N) that cuts a
// character in two makes them crash where socklab prints U+FFFD; this says where and how.

/** Python's own reasons (its words, never translated: they are what the course's program prints). */
export type Utf8Reason = 'unexpected end of data' | 'invalid start byte' | 'invalid continuation byte'

/** The first bytes Python's strict UTF-8 decoder rejects: [start, end), the first of them, and its reason. */
export interface Utf8Failure {
  start: number
  end: number
  byte: number
  reason: Utf8Reason
}

const isCont = (b: number | undefined, lo = 0x80, hi = 0xbf): boolean => b !== undefined && b >= lo && b <= hi

/** The first failure of a strict UTF-8 decode, as CPython reports it; undefined when the bytes decode. */
export function utf8Failure(bytes: Uint8Array): Utf8Failure | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    // How many continuation bytes follow the start byte, and the range of the first (CPython's table).
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      if (b === 0xe0) lo = 0xa0
      if (b === 0xed) hi = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      if (b === 0xf0) lo = 0x90
      if (b === 0xf4) hi = 0x8f
    } else return { start: i, end: i + 1, byte: b, reason: 'invalid start byte' }
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k]
      // The data ends inside a character whose bytes so far are right: cut, not wrong.
      if (next === undefined) return { start: i, end: bytes.length, byte: b, reason: 'unexpected end of data' }
      if (!(k === 1 ? isCont(next, lo, hi) : isCont(next))) return { start: i, end: i + k, byte: b, reason: 'invalid continuation byte' }
    }
    i += need + 1
  }
  return undefined
}
