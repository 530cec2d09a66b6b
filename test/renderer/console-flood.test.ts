// A flood of console lines must not hold the window: text goes to xterm in small pieces (xterm
// gives the window back only between pieces), and program output is flushed at most ten times a
// second while typing still echoes at the next frame.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { slices } from '../../src/renderer/src/consoles'
import { FrameThrottle } from '../../src/renderer/src/frame-throttle'

describe('console text in pieces', () => {
  it('cuts after line ends into pieces of at most 1 KB that join back to the same text', () => {
    const text = Array.from({ length: 600 }, (_, i) => `\x1b[2KReceived message from (127.0.0.1, ${40000 + i})\r\n`).join('')
    const pieces = slices(text)
    expect(pieces.join('')).toBe(text)
    expect(pieces.length).toBeGreaterThan(20)
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(1024)
      expect(p.endsWith('\r\n')).toBe(true)
    }
  })

  it('cuts a line longer than a piece where it must, and leaves short text whole', () => {
    const long = 'x'.repeat(2500)
    expect(slices(long).map((p) => p.length)).toEqual([1024, 1024, 452])
    expect(slices('hello\r\n')).toEqual(['hello\r\n'])
    expect(slices('')).toEqual([])
  })
})

describe('FrameThrottle', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('runs a flood at most once per interval, and what the student did at the next frame', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    const frames: (() => void)[] = []
    const frame = (): void => frames.splice(0).forEach((f) => f())
    let runs = 0
    const throttle = new FrameThrottle(() => runs++, 100, (f) => frames.push(f))

    throttle.soon()
    throttle.soon()
    frame()
    expect(runs).toBe(1)
    // 50 ms later: too soon after the last run, it waits for the interval.
    vi.advanceTimersByTime(50)
    throttle.soon()
    frame()
    expect(runs).toBe(1)
    vi.advanceTimersByTime(49)
    frame()
    expect(runs).toBe(1)
    vi.advanceTimersByTime(1)
    frame()
    expect(runs).toBe(2)
    // Typing: the next frame, whatever the interval, and the waiting flush joins it.
    vi.advanceTimersByTime(10)
    throttle.soon()
    throttle.nextFrame()
    frame()
    expect(runs).toBe(3)
    vi.advanceTimersByTime(200)
    frame()
    expect(runs).toBe(3)
  })
})
