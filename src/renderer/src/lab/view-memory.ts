// What a window remembers across a reload: the lab on screen, the client tab each lab showed, the
// client tabs with the fields typed in each and the client each showed, the sentences typed but not
// sent, and how far the packet log was cleared. Kept in sessionStorage (per
// window, gone with it) and only for one host session: a host started again numbers its events
// afresh, so old marks mean nothing.

import type { Family } from '../../../shared/events'
import type { ClientFields, LabKind, ServerFields } from './lab-state'
import { LABS } from './lab-state'
import { parseConsoleKey } from '../../../shared/console-keys'

/** A client tab as a reload brings it back: its number, its fields, and the client it showed. */
export interface SavedTab {
  key: string
  fields: ClientFields
  /** The client the tab showed: a reload puts it back in this tab, whatever tab the window that started it used. */
  endpointId?: string
}

export interface ViewMemory {
  active: LabKind
  family: Family
  fields: Partial<Record<LabKind, { server: ServerFields; tabs: SavedTab[] }>>
  /** What was typed in each tab's input and not sent yet (console key → text). */
  drafts: Record<string, string>
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
      fields: fieldsOf(saved.fields),
      drafts: draftsOf(saved.drafts),
      activeTabs: tabKeysOf(saved.activeTabs),
      clearedThrough: Number.isInteger(saved.clearedThrough) ? saved.clearedThrough : undefined
    }
  } catch {
    // Storage off or garbled: start as a new window does.
    return {}
  }
}

const isClientKey = (kind: LabKind, key: unknown): key is string => {
  const place = typeof key === 'string' ? parseConsoleKey(key) : undefined
  return place?.lab === kind && place.role === 'client'
}

/** The saved fields of each lab, with only the tabs whose key names a client tab of that lab. */
function fieldsOf(saved: unknown): ViewMemory['fields'] | undefined {
  if (typeof saved !== 'object' || !saved) return undefined
  const out: ViewMemory['fields'] = {}
  for (const { kind } of LABS) {
    const lab = (saved as Record<string, { server?: ServerFields; tabs?: unknown } | undefined>)[kind]
    if (typeof lab?.server !== 'object') continue
    const tabs = Array.isArray(lab.tabs) ? (lab.tabs as SavedTab[]).filter((t) => isClientKey(kind, t?.key) && typeof t.fields === 'object' && t.fields) : []
    out[kind] = { server: lab.server, tabs }
  }
  return out
}

/** The saved drafts that are text; anything else is forgotten. */
function draftsOf(saved: unknown): ViewMemory['drafts'] | undefined {
  if (typeof saved !== 'object' || !saved) return undefined
  return Object.fromEntries(Object.entries(saved).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

/** The saved tab keys that name a client tab of their own lab; anything else is forgotten. */
function tabKeysOf(saved: unknown): ViewMemory['activeTabs'] | undefined {
  if (typeof saved !== 'object' || !saved) return undefined
  const out: ViewMemory['activeTabs'] = {}
  for (const { kind } of LABS) {
    const key: unknown = (saved as Record<string, unknown>)[kind]
    if (isClientKey(kind, key)) out[kind] = key
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
