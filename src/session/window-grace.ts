// The window's capture runs while some window shows it. When the last window goes (its tab
// closed, the browser quit), the capture stops, so that dumpcap and tshark do not go on for
// nobody; but only after a grace period, so that a reload (the window goes and comes back within
// a second or two) neither stops it nor makes the student start it again.

/** How long after the last window went the capture goes on, waiting for one to come back. */
export const LAST_WINDOW_GRACE_MS = 15_000

export class LastWindowGrace {
  private timer?: NodeJS.Timeout

  constructor(
    private readonly stopCapture: () => Promise<unknown>,
    private readonly graceMs = LAST_WINDOW_GRACE_MS
  ) {}

  /** The number of windows changed to `count`. */
  windows(count: number): void {
    if (count > 0) return this.cancel()
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.stopCapture()
    }, this.graceMs)
    // A host that ends meanwhile is not held up by it.
    this.timer.unref()
  }

  cancel(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}
