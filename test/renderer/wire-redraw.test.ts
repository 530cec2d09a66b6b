// A flood of packets redraws the wire view in a task of its own, apart from the frame that lays
// out and paints it: rendering the rows inside the frame made single tasks of 30–40 ms (issue 10's
// bench). What the student did (a selection, a new capture state) still shows at the next frame.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CaptureStore, PACKETS_REDRAW_MS } from '../../src/renderer/src/wire/capture-store'
import { FrameThrottle } from '../../src/renderer/src/ui/frame-throttle'
import type { CaptureStatus, WirePacket } from '../../src/shared/wire'

let frames: (() => void)[] = []
const frame = (): void => frames.splice(0).forEach((f) => f())

beforeEach(() => {
  frames = []
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
})
afterEach(() => vi.useRealTimers())

describe('FrameThrottle.apart', () => {
  it('runs from a timer, not a frame, at most once per interval, and joins a frame already asked for', () => {
    let runs = 0
    const throttle = new FrameThrottle(() => runs++, 100, (f) => frames.push(f))

    throttle.apart()
    throttle.apart()
    expect(frames).toHaveLength(0)
    vi.advanceTimersByTime(0)
    expect(runs).toBe(1)
    // Too soon after the last run: it waits for the interval, still without a frame.
    vi.advanceTimersByTime(30)
    throttle.apart()
    vi.advanceTimersByTime(69)
    expect(runs).toBe(1)
    vi.advanceTimersByTime(1)
    expect(runs).toBe(2)
    expect(frames).toHaveLength(0)
    // A frame asked for (the student clicked) takes the waiting run along: one run, at the frame.
    vi.advanceTimersByTime(10)
    throttle.apart()
    throttle.nextFrame()
    frame()
    vi.advanceTimersByTime(200)
    expect(runs).toBe(3)
  })
})

const status = (change: Partial<CaptureStatus> = {}): CaptureStatus => ({ state: 'on', ports: [5000], packets: 0, dropped: null, labZero: 1, ...change })
const packet = (no: number): WirePacket => ({
  no,
  time: 1_000_000 + no,
  proto: 'UDP',
  family: 'IPv4',
  src: { address: '127.0.0.1', port: 40000, family: 'IPv4' },
  dst: { address: '127.0.0.1', port: 5000, family: 'IPv4' },
  conversation: 'UDP 0',
  flags: [],
  length: 32
})

describe('the capture store during a flood', () => {
  it('redraws for packets and the poll’s packet count in a task of its own, and for a new state at the next frame', () => {
    const store = new CaptureStore(1000, (f) => frames.push(f))
    let redraws = 0
    store.subscribe(() => redraws++)
    store.setStatus(status())
    frame()
    expect(redraws).toBe(1)

    vi.advanceTimersByTime(PACKETS_REDRAW_MS)
    store.add([packet(1), packet(2)])
    store.setStatus(status({ packets: 2 }))
    expect(frames).toHaveLength(0)
    vi.advanceTimersByTime(0)
    expect(redraws).toBe(2)
    expect(store.all()).toHaveLength(2)

    // The capture stops: that shows at the next frame, not after the flood's interval.
    store.setStatus(status({ state: 'off', packets: 2 }))
    expect(frames).toHaveLength(1)
    frame()
    expect(redraws).toBe(3)
  })
})
