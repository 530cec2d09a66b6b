// The window's consoles, by key: "tcp:server", "udp:client:2", "udp:relay". A key names a console (a server
// panel, a client tab), not an endpoint: a tab starts a new endpoint when its settings change.
// The window makes the keys; the host checks them, and the text, when the window writes a line
// of its own into a console through it (see WindowLine in contract.ts).

import type { Proto, Role } from './events'
import type { EndpointKind, LabKind } from './endpoint-kinds'
import { ENDPOINT_KINDS, kindIn, kindOfId, LAB_KINDS, ROLE_NAMES, ROLES } from './endpoint-kinds'

/** The console of lab `lab`'s endpoint of role `role`: one per lab ("tcp:server", "tcp:relay"), or one per tab numbered from 1 ("tcp:client:2"). */
export function consoleKey(lab: LabKind, role: Role, n?: number): string {
  return ROLES[role].numbered ? `${lab}:${role}:${n}` : `${lab}:${role}`
}
export const serverConsole = (lab: LabKind): string => consoleKey(lab, 'server')
export const clientConsole = (lab: LabKind, n: number): string => consoleKey(lab, 'client', n)

const single = ROLE_NAMES.filter((r) => !ROLES[r].numbered)
const numbered = ROLE_NAMES.filter((r) => ROLES[r].numbered)

/** The keys the window makes: a lab's server (or relay), or one of its client tabs, numbered from 1. */
export const CONSOLE_KEY = new RegExp(`^(${LAB_KINDS.join('|')}):(?:(${single.join('|')})|(${numbered.join('|')}):([1-9]\\d{0,5}))$`)

export interface ConsolePlace {
  lab: LabKind
  role: Role
  /** The protocol of the lab's endpoints of that role, as their events carry it. */
  proto: Proto
  /** A client tab's number. */
  n?: number
}

/** What a console key names, or undefined for anything that is not one. */
export function parseConsoleKey(key: string): ConsolePlace | undefined {
  const m = CONSOLE_KEY.exec(key)
  if (!m) return undefined
  const lab = m[1] as LabKind
  const role = (m[2] ?? m[3]) as Role
  // A role the lab has no kind of ("http:relay") names no console.
  const kind = kindIn(lab, role)
  if (!kind) return undefined
  return { lab, role, proto: ENDPOINT_KINDS[kind].proto, ...(m[4] ? { n: Number(m[4]) } : {}) }
}

/** Whether an endpoint of `kind` can speak in console `key`: one of that lab and role. */
export function kindFitsConsole(kind: EndpointKind, key: string): boolean {
  const place = parseConsoleKey(key)
  return place !== undefined && ENDPOINT_KINDS[kind]?.lab === place.lab && ENDPOINT_KINDS[kind]?.role === place.role
}

/** Whether endpoint `id` can speak in console `key`: an endpoint of that lab and role. */
export function endpointFitsConsole(id: string, key: string): boolean {
  const kind = kindOfId(id)
  return kind !== undefined && kindFitsConsole(kind, key)
}

/**
 * Control characters (C0, DEL, C1): a line holding them could move the terminal's cursor, clear
 * it or start a new line, and so pass for lines a program printed. A window's line may not hold any.
 */
export const CONTROL_CHARACTER = /\p{Cc}/u

/** `text` as a window's line may hold it: control characters shown as U+FFFD, at most `max` characters. */
export function printableLine(text: string, max: number): string {
  const clean = text.replace(new RegExp(CONTROL_CHARACTER.source, 'gu'), '\uFFFD')
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`
}
