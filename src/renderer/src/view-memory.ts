// What a window remembers across a reload: the lab on screen, the client tab each lab showed, the
// fields the student typed, and how far the packet log was cleared. Kept in sessionStorage (per
// window, gone with it) and only for one host session: a host started again numbers its events
// afresh, so old marks mean nothing.

import type { Family } from '../../shared/events'
import type { ClientFields, LabKind, ServerFields } from './lab-state'
import { LABS } from './lab-state'
import { parseConsoleKey } from '../../shared/console-keys'

export interface ViewMemory {
  active: LabKind
  family: Family
  fields: Partial<Record<LabKind, { server: ServerFields; client: ClientFields }>>
  /** The client tab each lab showed (its console key). */
  activeTabs: Partial<Record<LabKind, string>>
  /** The packet log was cleared up to this seq: a reload must not bring those rows back. */
  clearedThrough: number
}

const KEY = 'socklab.view'

export function loadViewMemory(session: string): Partial<ViewMemory> {
  try {
    const saved = JSON.parse(window.sessionStorage.getItem(KEY) ?? 'null') as (Partial<ViewMemory> & { session?: string }) | null
    if (!saved || saved.session !== session) return {}
    return {
      active: LABS.some((l) => l.kind === saved.active) ? saved.active : undefined,
      family: saved.family === 'IPv6' ? 'IPv6' : 'IPv4',
      fields: typeof saved.fields === 'object' && saved.fields ? saved.fields : undefined,
      activeTabs: tabKeysOf(saved.activeTabs),
      clearedThrough: Number.isInteger(saved.clearedThrough) ? saved.clearedThrough : undefined
    }
  } catch {
    // Storage off or garbled: start as a new window does.
    return {}
  }
}

/** The saved tab keys that name a client tab of their own lab; anything else is forgotten. */
function tabKeysOf(saved: unknown): ViewMemory['activeTabs'] | undefined {
  if (typeof saved !== 'object' || !saved) return undefined
  const out: ViewMemory['activeTabs'] = {}
  for (const { kind } of LABS) {
    const key: unknown = (saved as Record<string, unknown>)[kind]
    const place = typeof key === 'string' ? parseConsoleKey(key) : undefined
    if (place?.lab === kind && place.role === 'client') out[kind] = key as string
  }
  return out
}

export function saveViewMemory(session: string, change: Partial<ViewMemory>): void {
  try {
    const now = loadViewMemory(session)
    window.sessionStorage.setItem(KEY, JSON.stringify({ ...now, ...change, session }))
  } catch {
    // Nothing to do: the window works, it just forgets on reload.
  }
}
