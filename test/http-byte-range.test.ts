// The Range header parser (one range of bytes, RFC 9110 §14) on its own, malformed headers included.

import { describe, expect, it } from 'vitest'
import { parseRange } from '../src/engine/http/byte-range'

describe('parseRange on a file of 100 bytes', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['bytes=0-9', { kind: 'range', start: 0, end: 9 }],
    ['bytes=90-', { kind: 'range', start: 90, end: 99 }],
    ['bytes=90-1000', { kind: 'range', start: 90, end: 99 }],
    ['bytes=-10', { kind: 'range', start: 90, end: 99 }],
    ['bytes=-1000', { kind: 'range', start: 0, end: 99 }],
    ['BYTES= 5 - 6 ', { kind: 'range', start: 5, end: 6 }],
    ['bytes=99-99', { kind: 'range', start: 99, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=100-200', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    // Malformed, reversed or several ranges: ignored, the whole file is sent.
    ['bytes=9-0', { kind: 'none' }],
    ['bytes=-', { kind: 'none' }],
    ['bytes=0-1,5-6', { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
    ['bytes=a-b', { kind: 'none' }],
    ['bytes=1.5-2', { kind: 'none' }],
    ['', { kind: 'none' }]
  ])('%j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected)
  })

  it('no suffix of an empty file can be satisfied', () => {
    expect(parseRange('bytes=-5', 0)).toEqual({ kind: 'unsatisfiable' })
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' })
  })
})
