// What windows on one host tell each other so that one can follow another (the instructor's
// projector following the instructor's own window): each window's number, and what it shows.
// A window only ever says what it shows itself; a follower decides on its own to show the same.
// The host numbers the windows and checks every view it is told (schemas.ts).

import type { LabKind } from './endpoint-kinds'

export type ViewName = 'log' | 'wire' | 'ladder' | 'sockets' | 'stream'
export const VIEW_NAMES = ['log', 'wire', 'ladder', 'sockets', 'stream'] as const satisfies readonly ViewName[]

/** The most client tabs a shared view lists (the rest are left out of what followers mirror). */
export const MAX_SHARED_TABS = 64
/** Windows the host keeps a number for, open or gone; the oldest gone ones are forgotten first. */
export const MAX_WINDOWS = 64

/** One client tab of the lab a window shows: its console key (its number) and the client it shows. */
export interface SharedTab {
  key: string
  endpoint?: string
}

/** What a window shows: the lab, its client tabs and the one on screen, the view below, the row selected. */
export interface SharedView {
  lab: LabKind
  tabs: SharedTab[]
  /** The client tab on screen (one of `tabs`). */
  tab: string
  view: ViewName
  /** The packet log's selected event (its seq). */
  row?: number
}

/** A window as every window is told of it. */
export interface WindowEntry {
  /** Its number on this host, kept over a reload of it. */
  n: number
  /** False once it closed (or reloads): a follower shows what it showed last, and says so. */
  open: boolean
  view?: SharedView
}

/** What the host tells a window that shares its view: its own number, and every window's. */
export interface WindowsState {
  self: {
    n: number
    /** Given back on the next showView after a reload: the window keeps its number. */
    token: string
  }
  windows: WindowEntry[]
}

/** Host → every window that has shared its view: the windows now (feed.ts). */
export interface WindowsMessage {
  windows: WindowEntry[]
}
