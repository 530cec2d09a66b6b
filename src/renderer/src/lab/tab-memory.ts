// The client tabs a reload brings back from view memory: each with its number, its fields and the
// client it showed, so that a tab the student made and has not used yet, or one that showed another
// window's client under a number of this window's own, comes back as it was.

import type { Family } from '../../../shared/events'
import { parseConsoleKey } from '../../../shared/console-keys'
import type { LabState } from './lab-state'
import { defaultClientFields, MAX_RESTORED_TAB, newTab } from './lab-state'
import type { SavedTab, ViewMemory } from './view-memory'

/** What view memory keeps of a lab's client tabs. */
export function savedTabs(lab: LabState): SavedTab[] {
  return lab.tabs.map((t) => ({ key: t.key, fields: t.fields, ...(t.endpointId && { endpointId: t.endpointId }) }))
}

/** The lab with the client tabs it had before a reload, each with its fields (idle: the restore says what runs). */
export function startingTabs(lab: LabState, saved: readonly SavedTab[], family: Family): LabState {
  const usual = defaultClientFields(lab.kind, family, lab.server.port)
  const tabs = saved
    .map((t) => ({ n: parseConsoleKey(t.key)?.n ?? 0, fields: { ...usual, ...t.fields } }))
    .filter(({ n }) => n >= 1 && n <= MAX_RESTORED_TAB)
    .sort((a, b) => a.n - b.n)
    .map(({ n, fields }) => newTab(lab.kind, n, fields))
  if (tabs.length === 0) return lab
  const numbers = new Set<string>()
  const distinct = tabs.filter((t) => !numbers.has(t.key) && numbers.add(t.key))
  return { ...lab, tabs: distinct, activeTab: distinct[0].key, nextTab: Number(parseConsoleKey(distinct.at(-1)!.key)!.n) + 1 }
}

/** endpoint id → the client tab this window showed it in before a reload. */
export function rememberedEndpoints(memory: Partial<ViewMemory>): Map<string, string> {
  const out = new Map<string, string>()
  for (const lab of Object.values(memory.fields ?? {})) for (const t of lab?.tabs ?? []) if (typeof t.endpointId === 'string') out.set(t.endpointId, t.key)
  return out
}

/** The client tabs (console keys) whose fields view memory kept: a reload shows those as they were. */
export function keptTabs(memory: Partial<ViewMemory>): Set<string> {
  return new Set(Object.values(memory.fields ?? {}).flatMap((lab) => lab?.tabs.map((t) => t.key) ?? []))
}
