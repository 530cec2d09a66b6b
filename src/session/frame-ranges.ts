// A set of frame numbers added in increasing order, kept as ranges: a capture's packets that are
// the lab's come in long runs (a flood is one range), so a million of them cost a few numbers, not
// a million entries. Only interleaved packets of other programs (a wide capture) or overlap copies
// split a range.

export class FrameRanges {
  /** [first, last] pairs, ascending and disjoint. */
  private readonly ranges: number[] = []
  private count = 0

  /** Adds `frame`; frames come in increasing order (tshark numbers them so). */
  add(frame: number): void {
    const n = this.ranges.length
    if (n && this.ranges[n - 1] + 1 === frame) this.ranges[n - 1] = frame
    else if (n && this.ranges[n - 1] >= frame) return
    else this.ranges.push(frame, frame)
    this.count++
  }

  /** Whether `frame` is in the set; asked in increasing order by a reader, so `cursor` makes a pass linear. */
  has(frame: number, cursor = { at: 0 }): boolean {
    while (cursor.at < this.ranges.length && this.ranges[cursor.at + 1] < frame) cursor.at += 2
    return cursor.at < this.ranges.length && this.ranges[cursor.at] <= frame
  }

  get size(): number {
    return this.count
  }

  /** How many ranges it holds (for tests and the bench: the memory it costs). */
  get spans(): number {
    return this.ranges.length / 2
  }
}
