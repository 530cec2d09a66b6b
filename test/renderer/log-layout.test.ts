// The packet log's heights: whole rows only, so that no row shows cut under the header or at the
// bottom, and a selected row's bytes keep room for their summary and two lines.

import { describe, expect, it } from 'vitest'
import { tableWithBytes, twoLineRows, wholeRows } from '../../src/renderer/src/log/log-layout'

describe('wholeRows', () => {
  it('fits whole rows (header included) into the space, the rest left empty', () => {
    // 200% on 1920×1080: 367 px for the table, 44 px rows: header and 7 rows, not 7.3.
    expect(wholeRows(367, 44)).toBe(352)
    expect(wholeRows(352, 44)).toBe(352)
    expect(wholeRows(351.9, 44)).toBe(308)
  })

  it('gives a space too small for a header and one row as it is', () => {
    expect(wholeRows(60, 44)).toBe(60)
    expect(wholeRows(-1, 44)).toBe(0)
  })
})

describe('tableWithBytes', () => {
  it('takes three fifths to the nearest whole row', () => {
    expect(tableWithBytes(400, 22, 68)).toBe(242)
  })

  it('leaves the bytes what they need, and keeps at least the header and a row', () => {
    // 200% on 1920×1080: 367 px, 44 px rows, the bytes need 136 px: header and 4 rows.
    expect(tableWithBytes(367, 44, 136)).toBe(220)
    expect(tableWithBytes(367, 44, 200)).toBe(132)
    expect(tableWithBytes(100, 44, 136)).toBe(88)
  })
})

describe('twoLineRows', () => {
  // DejaVu Sans Mono: 0.602 em a character, at the log's 0.875 rem.
  const char = 0.875 * 0.602
  it('keeps one line while the longest address fits, and takes two where a mapped one would be cut', () => {
    // 1280 px at 100% (80 rem), 1920 px at 200% (60 rem), 1280 px at 150% (53.3 rem), less a scrollbar.
    expect(twoLineRows(80, 79, '127.0.0.1:57466'.length, char)).toBe(false)
    expect(twoLineRows(60, 59.5, '127.0.0.1:57466'.length, char)).toBe(false)
    expect(twoLineRows(53.3, 52.7, '[::1]:57466'.length, char)).toBe(false)
    expect(twoLineRows(60, 59.5, '[::ffff:127.0.0.1]:46212'.length, char)).toBe(true)
    expect(twoLineRows(53.3, 52.7, '[::ffff:127.0.0.1]:46212'.length, char)).toBe(true)
    expect(twoLineRows(90, 89, '[::ffff:127.0.0.1]:46212'.length, char)).toBe(false)
  })
})
