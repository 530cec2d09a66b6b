// The Range header (RFC 9110 §14): one range of bytes of a file. Several ranges in one request
// (multipart/byteranges) are answered with the whole file, which the RFC allows.

export type RangeResult =
  | { kind: 'none' } // no usable Range: send the whole file
  | { kind: 'range'; start: number; end: number } // inclusive
  | { kind: 'unsatisfiable' }

export function parseRange(header: string | undefined, size: number): RangeResult {
  if (header === undefined) return { kind: 'none' }
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  // A malformed or multi-range header is ignored, as if it were absent.
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' }
  if (m[1] === '') {
    // Suffix form: the last N bytes.
    const n = Number(m[2])
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'range', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (m[2] !== '' && Number(m[2]) < start) return { kind: 'none' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'range', start, end }
}
