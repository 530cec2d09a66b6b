// Feeds the capture store from the host: the packets it still holds and then its stream, the
// capture's status, polled while a wire view is on screen, and the kernel's TCP states while the
// Sockets view (the one that shows them) is. The capture starts the first time a wire view opens
// (a student who opens it wants to see packets); after a Stop it stays stopped until Start.

import { said } from '../../../shared/i18n/said'
import type { LabApi } from '../../../shared/contract'
import type { CaptureStore } from './capture-store'

/** How often the status and the kernel's states are read while a wire view is open. */
export const POLL_MS = 500

export class CaptureFeed {
  private started = false
  private polling?: ReturnType<typeof setInterval>
  /**
   * Reading the kernel's states costs the host a read of every TCP socket of the machine (tens of
   * thousands on a busy one): only while they are on screen.
   */
  private withKernel = false
  private stopFeed = (): void => {}

  constructor(
    private readonly api: LabApi,
    private readonly store: CaptureStore
  ) {}

  /** A call failed (the host went away, say): the view shows the one line. */
  private onError = (message: string): void => {
    const status = this.store.status ?? { ports: [], packets: 0, dropped: 0, labZero: 0 }
    this.store.setStatus({ ...status, state: 'unavailable', problem: { kind: 'failed', said: said('wire:capture.failed', { detail: message }) } })
  }

  /** Follows the host's packets (what it holds first, then live) and reads the status; returns the disposer. */
  open(): () => void {
    let cancelled = false
    this.stopFeed = this.api.onPackets(this.store.add)
    this.api
      .captureStatus()
      .then((status) => {
        if (!cancelled) this.store.setStatus(status)
      })
      .catch((err: Error) => this.onError(err.message))
    return () => {
      cancelled = true
      this.stopFeed()
      this.hide()
    }
  }

  /** A wire view is on screen: start the capture once, and keep the status (and, `withKernel`, the kernel's states) fresh. */
  show(withKernel = false): void {
    this.withKernel = withKernel
    if (!this.started && this.store.status?.state !== 'on') {
      this.started = true
      void this.start()
    }
    this.poll()
    this.polling ??= setInterval(() => this.poll(), POLL_MS)
  }

  hide(): void {
    clearInterval(this.polling)
    this.polling = undefined
  }

  async start(): Promise<void> {
    this.started = true
    this.store.setStatus({ ...(this.store.status ?? { ports: [], packets: 0, dropped: 0, labZero: 0 }), state: 'starting', problem: undefined })
    await this.api
      .startCapture()
      .then((s) => this.store.setStatus(s))
      .catch((err: Error) => this.onError(err.message))
  }

  async stop(): Promise<void> {
    await this.api
      .stopCapture()
      .then((s) => this.store.setStatus(s))
      .catch((err: Error) => this.onError(err.message))
  }

  private poll(): void {
    void this.api.captureStatus().then((s) => this.store.setStatus(s), () => undefined)
    // The version held: the host answers "unchanged" when its rows are still these.
    const held = this.store.kernel?.exposed ? this.store.kernel.version : undefined
    // Without a version, no argument: JSON has no undefined, and a null is refused like any bad argument.
    if (this.withKernel) void (held === undefined ? this.api.kernelState() : this.api.kernelState(held)).then((k) => this.store.setKernel(k), () => undefined)
  }
}
