// The window asks the host for the kernel's TCP states only while the Sockets view shows them:
// each reading costs the host a read of every TCP socket of the machine (tens of thousands after
// a benchmark), and polling it every half second under the Wire view stalled the host's packets.

import { afterEach, describe, expect, it } from 'vitest'
import type { LabApi } from '../../src/shared/contract'
import type { CaptureStatus } from '../../src/shared/wire'
import { CaptureFeed } from '../../src/renderer/src/wire/capture-feed'
import { CaptureStore } from '../../src/renderer/src/wire/capture-store'

const status: CaptureStatus = { state: 'on', ports: [12000], packets: 0, dropped: 0, labZero: 0 }

/** The verbs the feed uses, counting the calls; the others are not part of this test. */
function countingApi(): { api: LabApi; calls: Record<string, number> } {
  const calls: Record<string, number> = { captureStatus: 0, kernelState: 0, startCapture: 0 }
  const api = {
    captureStatus: async () => (calls.captureStatus++, status),
    startCapture: async () => (calls.startCapture++, status),
    kernelState: async (since?: number) => (calls.kernelState++, since === 1 ? { exposed: true as const, unchanged: true as const, version: 1 } : { exposed: true as const, sockets: [], version: 1 })
  } as unknown as LabApi
  return { api, calls }
}

let feed: CaptureFeed | undefined
afterEach(() => feed?.hide())

describe('the capture feed', () => {
  it('polls the status under any wire view, and the kernel states only under the Sockets view', async () => {
    const { api, calls } = countingApi()
    const store = new CaptureStore(100, (run) => run())
    store.setStatus(status)
    feed = new CaptureFeed(api, store)
    feed.show()
    await new Promise((resolve) => setTimeout(resolve, 700))
    expect(calls.captureStatus).toBeGreaterThanOrEqual(2)
    expect(calls.kernelState).toBe(0)
    feed.hide()
    feed.show(true)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(calls.kernelState).toBe(1)
    expect(store.kernel).toEqual({ exposed: true, sockets: [], version: 1 })
  })

  it('asks with the version it holds, and an unchanged reading keeps the rows and draws nothing again', async () => {
    const { api } = countingApi()
    let notified = 0
    const store = new CaptureStore(100, (run) => run())
    store.subscribe(() => notified++)
    const asked: unknown[][] = []
    const kernelState = api.kernelState.bind(api)
    api.kernelState = (...args: [number?]) => (asked.push(args), kernelState(...args))
    feed = new CaptureFeed(api, store)
    feed.show(true)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    feed.hide()
    // The first call passes nothing (over JSON an undefined argument arrives as null, which the host refuses).
    expect(asked.slice(0, 3)).toEqual([[], [1], [1]])
    const rows = store.kernel
    expect(rows).toEqual({ exposed: true, sockets: [], version: 1 })
    const before = notified
    store.setKernel({ exposed: true, unchanged: true, version: 1 })
    expect(store.kernel).toBe(rows)
    expect(notified).toBe(before)
  })
})
