// Evaluates an exercise's check (schema.ts) over the lab's events and captured packets.
import type { LabEvent } from '../events'
import type { WirePacket } from '../wire'
import type { Cmp, Condition, EventMatch, Exercise, PacketMatch } from './schema'

function field(o: unknown, path: string): unknown {
  let v: unknown = o
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[k]
  }
  return v
}

export function compare(v: unknown, c: Cmp): boolean {
  if (typeof c !== 'object') return v === c
  if (c.exists !== undefined && (v !== undefined) !== c.exists) return false
  if (c.eq !== undefined && v !== c.eq) return false
  if (c.ne !== undefined && v === c.ne) return false
  if (c.in !== undefined && !c.in.includes(v as string)) return false
  const num = typeof v === 'number' ? v : undefined
  if (c.gt !== undefined && !(num !== undefined && num > c.gt)) return false
  if (c.gte !== undefined && !(num !== undefined && num >= c.gte)) return false
  if (c.lt !== undefined && !(num !== undefined && num < c.lt)) return false
  if (c.lte !== undefined && !(num !== undefined && num <= c.lte)) return false
  return true
}

function fieldsHold(o: unknown, fields: Record<string, Cmp> | undefined): boolean {
  if (!fields) return true
  return Object.entries(fields).every(([p, c]) => compare(field(o, p), c))
}

export function eventMatches(e: LabEvent, m: EventMatch): boolean {
  if (m.kind !== undefined && e.kind !== m.kind) return false
  if (m.role !== undefined && e.role !== m.role) return false
  if (m.proto !== undefined && e.proto !== m.proto) return false
  if (m.family !== undefined && (e.local ?? e.remote)?.family !== m.family) return false
  return fieldsHold(e, m.fields)
}

export function packetMatches(p: WirePacket, m: PacketMatch): boolean {
  if (m.proto !== undefined && p.proto !== m.proto) return false
  if (m.family !== undefined && p.family !== m.family) return false
  if (m.flags !== undefined && (p.flags.length !== m.flags.length || !m.flags.every((f) => p.flags.includes(f)))) return false
  return fieldsHold(p, m.fields)
}

function inOrder<T>(items: readonly T[], steps: readonly ((x: T) => boolean)[]): boolean {
  let i = 0
  for (const x of items) {
    if (i < steps.length && steps[i](x)) i++
    if (i === steps.length) return true
  }
  return false
}

export function conditionHolds(c: Condition, events: readonly LabEvent[], packets: readonly WirePacket[]): boolean {
  if ('events' in c) {
    const need = c.atLeast ?? 1
    let n = 0
    for (const e of events) if (eventMatches(e, c.events) && ++n >= need) return true
    return false
  }
  if ('sequence' in c) {
    const groups = new Map<string, LabEvent[]>()
    for (const e of events) {
      const key = c.within === 'connection' ? `${e.endpoint}#${e.conn}` : e.endpoint
      const g = groups.get(key)
      if (g) g.push(e)
      else groups.set(key, [e])
    }
    const steps = c.sequence.map((m) => (e: LabEvent) => eventMatches(e, m))
    for (const g of groups.values()) if (inOrder(g, steps)) return true
    return false
  }
  // packets: in order, within one conversation
  const byConv = new Map<string, WirePacket[]>()
  for (const p of packets) {
    const g = byConv.get(p.conversation)
    if (g) g.push(p)
    else byConv.set(p.conversation, [p])
  }
  const steps = c.packets.map((m) => (p: WirePacket) => packetMatches(p, m))
  for (const g of byConv.values()) if (inOrder(g, steps)) return true
  return false
}

/** Which conditions hold now, and whether all do. */
export function evaluate(ex: Exercise, events: readonly LabEvent[], packets: readonly WirePacket[]): { done: boolean; holds: boolean[] } {
  const holds = ex.check.all.map((c) => conditionHolds(c, events, packets))
  return { done: holds.every(Boolean), holds }
}
