// A seeded pseudo-random generator, so that a relay or a ping server given the same seed makes
// the same decisions: a whole class sees the same drops. Every decision has its own stream (the
// loss of client→server datagrams of flow 1, say), so the nth datagram's fate depends on n alone:
// not on timing, on other flows, or on the other impairments' settings. Raising --loss from 10 to
// 20 with the same seed drops the same datagrams and some more.

/** A 32-bit hash of a string (FNV-1a, then a murmur3 finaliser to spread the bits). */
function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Numbers in [0, 1), from mulberry32: small, fast, and good enough for coin flips. */
export type Random = () => number

export function mulberry32(seed: number): Random {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The stream named `name` of `seed`: independent of every other name. */
export function stream(seed: number, name: string): Random {
  return mulberry32(hash32(`${seed >>> 0}/${name}`))
}

/** A seed for a run that was given none (reported, so that the run can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000) >>> 0
}

/** Whether a decision of probability pct (0..100) comes true for draw u in [0, 1). */
export const happens = (u: number, pct: number): boolean => pct > 0 && u * 100 < pct

/** delay ± jitter, drawn uniformly, never below 0. */
export function jittered(delayMs: number, jitterMs: number, u: number): number {
  if (!jitterMs) return delayMs
  return Math.max(0, delayMs + (u * 2 - 1) * jitterMs)
}
