// How many payload bytes a Lab previews per second: a student's exchanges (a page of 64 KiB
// included) are previewed whole, a flood only by its heads. Without it, a fast transfer would
// push its every byte, as base64, through the hosts to the windows.

import { PREVIEW_HEAD_BYTES, PREVIEW_RATE_BYTES } from '../shared/events'

export class PreviewRate {
  private tokens: number
  private last = performance.now()

  constructor(private readonly perSecond = PREVIEW_RATE_BYTES) {
    this.tokens = perSecond
  }

  /** Bytes of a payload of `wanted` bytes that may be previewed now: all of them, or the head. */
  take(wanted: number): number {
    if (wanted <= PREVIEW_HEAD_BYTES) return wanted
    const now = performance.now()
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < wanted) return PREVIEW_HEAD_BYTES
    this.tokens -= wanted
    return wanted
  }
}
