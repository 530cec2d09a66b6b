// A flood of console lines must not hold the window: text goes to xterm in small pieces (xterm
// gives the window back only between pieces), and program output is flushed at most ten times a
// second while typing still echoes at the next frame.

import { afterEach, describe, expect, it, vi } from 'vitest'
import { cutLongLines, frameTail, slices } from '../../src/renderer/src/consoles/consoles'
import { FrameThrottle } from '../../src/renderer/src/ui/frame-throttle'

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

describe("a frame's text", () => {
  const line = (i: number): string => `Received message from (127.0.0.1, ${40000 + i})\r\n`

  it('keeps the newest lines of a flood, and counts the lines it leaves out', () => {
    const text = Array.from({ length: 2000 }, (_, i) => line(i)).join('')
    const shown = frameTail(text)
    const skipped = Number(/… ([\d,]+) lines not shown/.exec(shown)![1].replace(',', ''))
    const kept = shown.slice(shown.indexOf('\x1b[0m') + '\x1b[0m'.length).split('\r\n').filter(Boolean)
    expect(kept.at(-1)).toBe(line(1999).trimEnd())
    expect(skipped + kept.length).toBe(2000)
    expect(frameTail(line(1))).toBe(line(1))
  })

  it('shows a pasted 64 KiB sentence cut, not dropped behind a note of "0 lines"', () => {
    // As write() gets it, and then turns its line ends into the terminal's.
    const sentence = `Input lowercase sentence: ${'a'.repeat(65_536)}\n`
    const terminal = (text: string): string => text.replace(/\n/g, '\r\n')
    const shown = frameTail(terminal(cutLongLines(sentence)))
    expect(shown).not.toContain('not shown: more than')
    expect(shown).toContain(`Input lowercase sentence: ${'a'.repeat(100)}`)
    expect(shown).toContain(`… (${(65_536 + 26 - 4096).toLocaleString('en')} more characters not shown)`)
    // A flood of long lines: each cut, the newest whole.
    const flood = frameTail(terminal(cutLongLines(Array.from({ length: 20 }, () => sentence).join(''))))
    expect(flood.startsWith('\x1b[2;3m… ')).toBe(true)
    expect(flood).toMatch(/… \d+ lines? not shown/)
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
