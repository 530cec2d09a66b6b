// A fixed-size ring of the newest items: memory stays flat however long a lab runs.

export class Ring<T> {
  private readonly items: (T | undefined)[]
  private next = 0
  private count = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ring capacity must be a positive integer')
    this.items = new Array(capacity)
  }

  /** Adds `item` as the newest; returns the oldest item it pushed out, if the ring was full. */
  push(item: T): T | undefined {
    const evicted = this.count === this.capacity ? this.items[this.next] : undefined
    this.items[this.next] = item
    this.next = (this.next + 1) % this.capacity
    if (this.count < this.capacity) this.count++
    return evicted
  }

  get size(): number {
    return this.count
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.slice(0, this.count)
  }

  /** At most `count` items, oldest first, from the `from`-th oldest on. */
  slice(from: number, count: number): T[] {
    const out: T[] = []
    const oldest = (this.next - this.count + this.capacity) % this.capacity
    const end = Math.min(this.count, from + count)
    for (let i = Math.max(0, from); i < end; i++) out.push(this.items[(oldest + i) % this.capacity] as T)
    return out
  }

  clear(): void {
    this.items.fill(undefined)
    this.next = 0
    this.count = 0
  }
}
