// "Soon, but not too often": at the next animation frame, or a minimum interval after the last
// run if that is later. A flood (packets, a program's console lines) then redraws at most ten
// times a second and leaves the window time for everything else, while what the student does
// shows at the next frame.

export class FrameThrottle {
  private scheduled = false
  private waiting?: ReturnType<typeof setTimeout>
  private lastRun = -Infinity

  constructor(
    private readonly run: () => void,
    private readonly minIntervalMs: number,
    private readonly schedule: (run: () => void) => void = (run) => requestAnimationFrame(run)
  ) {}

  /** At the next frame, or minIntervalMs after the last run if that is later; calls meanwhile join it. */
  soon(): void {
    if (this.scheduled || this.waiting) return
    const wait = this.lastRun + this.minIntervalMs - performance.now()
    if (wait <= 0) return this.nextFrame()
    this.waiting = setTimeout(() => {
      this.waiting = undefined
      this.nextFrame()
    }, wait)
  }

  /**
   * As soon(), but in a task of its own (a timer), never inside a frame: a flood's redraw then does
   * its script and DOM work in one task and the frame that paints it is another, so that neither
   * is long. Throttled together with soon() and nextFrame().
   */
  apart(): void {
    if (this.scheduled || this.waiting) return
    const wait = Math.max(0, this.lastRun + this.minIntervalMs - performance.now())
    this.waiting = setTimeout(() => {
      this.waiting = undefined
      this.lastRun = performance.now()
      this.run()
    }, wait)
  }

  /** At the next frame, whatever the interval (for what the student did). */
  nextFrame(): void {
    if (this.scheduled) return
    clearTimeout(this.waiting)
    this.waiting = undefined
    this.scheduled = true
    this.schedule(() => {
      this.scheduled = false
      this.lastRun = performance.now()
      this.run()
    })
  }
}
