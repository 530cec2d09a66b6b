// While the lab's capture restarts on a new set of ports, the old capture and the new one run side
// by side for a moment, and both see the lab's packets: each must show once. A copy is known by
// its frame digest (the MD5 of every byte: addresses, ports, raw seq/ack, IP ID, checksums,
// payload) and a capture time within a millisecond (two captures stamp the same packet up to a
// few microseconds apart). Copies are matched one to one and only across captures, so two distinct
// packets, even identical ones, are never merged: a capture's own packets are never compared.

/** Two captures stamp one packet this close (microseconds); distinct identical packets are never this close on loopback and in both. */
const SAME_PACKET_US = 1000
/** Bound on the copies waiting for a match (a flood during a long overlap). */
const MAX_WAITING = 200_000

interface Waiting {
  source: object
  digest: string
  time: number
  matched: boolean
}

export class OverlapDuplicates {
  /** Each capture that may still deliver packets, with the newest capture time it delivered. */
  private readonly latest = new Map<object, number>()
  private readonly byDigest = new Map<string, Waiting[]>()
  /** Oldest first, for forgetting. */
  private readonly queue: Waiting[] = []
  private head = 0

  /** A capture starting now: its packets are captured from about `since` (µs since the epoch) on. */
  add(source: object, since: number): void {
    this.latest.set(source, since)
  }

  /** The capture has delivered its last packet. */
  remove(source: object): void {
    this.latest.delete(source)
    this.forget()
  }

  /** Whether this packet is the first copy to come; false for the copy of one another capture delivered. */
  admit(source: object, digest: string | undefined, time: number): boolean {
    this.latest.set(source, Math.max(this.latest.get(source) ?? time, time))
    if (!digest) return true
    const copies = this.byDigest.get(digest)
    const match = copies?.find((w) => !w.matched && w.source !== source && Math.abs(w.time - time) <= SAME_PACKET_US)
    if (match) {
      match.matched = true
      this.forget()
      return false
    }
    // Alone, nobody else will deliver a copy: nothing to remember.
    if (this.latest.size > 1) {
      const w: Waiting = { source, digest, time, matched: false }
      if (copies) copies.push(w)
      else this.byDigest.set(digest, [w])
      this.queue.push(w)
    }
    this.forget()
    return true
  }

  /** How many copies wait for their match (for tests). */
  get waiting(): number {
    return this.queue.length - this.head
  }

  /**
   * Forgets the packets no other capture can deliver again: each capture delivers in time order,
   * so once every other one has gone past a packet's time (or ended), its copy will not come.
   */
  private forget(): void {
    while (this.head < this.queue.length) {
      const w = this.queue[this.head]
      const pending = !w.matched && this.waiting <= MAX_WAITING && [...this.latest].some(([s, t]) => s !== w.source && t <= w.time + SAME_PACKET_US)
      if (pending) break
      this.head++
      const copies = this.byDigest.get(w.digest)!
      copies.splice(copies.indexOf(w), 1)
      if (copies.length === 0) this.byDigest.delete(w.digest)
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
  }
}
