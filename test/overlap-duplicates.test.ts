// The copies two overlapping captures both deliver: each packet once, never two distinct packets
// merged, whatever order the captures deliver in.

import { describe, expect, it } from 'vitest'
import { OverlapDuplicates } from '../src/session/overlap-duplicates'

const [oldCapture, newCapture] = [{ name: 'old' }, { name: 'new' }]
const T = 1_795_626_074_000_000

describe('copies of one packet from overlapping captures', () => {
  it('the second copy of a packet, within a millisecond, from the other capture, is dropped, in either order', () => {
    const d = new OverlapDuplicates()
    d.add(oldCapture, T - 5_000_000)
    d.add(newCapture, T)
    expect(d.admit(oldCapture, 'a', T + 10)).toBe(true)
    expect(d.admit(newCapture, 'a', T + 11)).toBe(false)
    expect(d.admit(newCapture, 'b', T + 20)).toBe(true)
    expect(d.admit(oldCapture, 'b', T + 19)).toBe(false)
  })

  it('never merges two packets of one capture, and matches identical packets one to one across captures', () => {
    const d = new OverlapDuplicates()
    d.add(oldCapture, T)
    d.add(newCapture, T)
    // Two identical packets (the same bytes) in the same microsecond, seen by both.
    expect([d.admit(oldCapture, 'x', T + 1), d.admit(oldCapture, 'x', T + 1)]).toEqual([true, true])
    expect([d.admit(newCapture, 'x', T + 1), d.admit(newCapture, 'x', T + 2), d.admit(newCapture, 'x', T + 2)]).toEqual([false, false, true])
  })

  it('the same bytes more than a millisecond apart are two packets; alone, a capture remembers nothing', () => {
    const d = new OverlapDuplicates()
    d.add(oldCapture, T)
    expect(d.admit(oldCapture, 'r', T)).toBe(true)
    expect(d.waiting).toBe(0)
    d.add(newCapture, T)
    expect(d.admit(oldCapture, 'r', T + 100)).toBe(true)
    expect(d.admit(newCapture, 'r', T + 5_000)).toBe(true)
  })

  it('forgets what the other capture has gone past, or what it can no longer deliver', () => {
    const d = new OverlapDuplicates()
    d.add(oldCapture, T)
    d.add(newCapture, T)
    for (let i = 0; i < 10; i++) d.admit(oldCapture, `p${i}`, T + i * 10_000)
    expect(d.waiting).toBe(10)
    // The new capture delivered a packet of later: it will not deliver the first five again.
    d.admit(newCapture, 'later', T + 45_000)
    expect(d.waiting).toBe(6)
    d.remove(oldCapture)
    d.remove(newCapture)
    expect(d.waiting).toBe(0)
  })
})
