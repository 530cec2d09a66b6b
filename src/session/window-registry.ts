// The windows of one host, numbered, with what each shows (window-views.ts), so that a window can
// follow another. A window says only what it shows itself, through its own link: no window can
// make another do anything; a follower reads the list and shows the same on its own.
// A window keeps its number over a reload by the token the host gave it; a token is never sent to
// another window, so none can take another's number.

import crypto from 'node:crypto'
import { MAX_WINDOWS, type SharedView, type WindowEntry, type WindowsMessage, type WindowsState } from '../shared/window-views'

/** The link of one window, as the registry needs it: whether it is open, and a message to it. */
export interface WindowLink {
  isOpen(): boolean
  tell(message: WindowsMessage): void
}

interface Known {
  n: number
  token: string
  link?: WindowLink
  view?: SharedView
}

/** Changes are told at most this often: a leader clicking through rows does not flood the followers. */
const TELL_MS = 30

export class WindowRegistry {
  private readonly known: Known[] = []
  private nextNumber = 1
  private telling: NodeJS.Timeout | undefined

  /** Window `link` shows `view` now; with the token it had, it keeps its number. */
  show(link: WindowLink, view: SharedView, token?: string): WindowsState {
    let entry = this.known.find((k) => k.link === link)
    if (!entry && token) {
      // Its number back after a reload, unless another open window holds it (a copied tab's storage).
      const before = this.known.find((k) => k.token === token)
      if (before && !before.link?.isOpen()) entry = before
    }
    if (!entry) {
      entry = { n: this.nextNumber++, token: crypto.randomBytes(16).toString('hex') }
      this.known.push(entry)
      this.forgetOldest()
    }
    entry.link = link
    entry.view = view
    this.soon()
    return { self: { n: entry.n, token: entry.token }, windows: this.list() }
  }

  /** Window `link` closed (or is reloading): its followers are told, and keep what it showed last. */
  gone(link: WindowLink): void {
    const entry = this.known.find((k) => k.link === link)
    if (!entry) return
    entry.link = undefined
    this.soon()
  }

  list(): WindowEntry[] {
    return this.known.map((k) => ({ n: k.n, open: k.link?.isOpen() === true, ...(k.view && { view: k.view }) }))
  }

  dispose(): void {
    clearTimeout(this.telling)
  }

  private soon(): void {
    this.telling ??= setTimeout(() => {
      this.telling = undefined
      const message: WindowsMessage = { windows: this.list() }
      for (const k of this.known) if (k.link?.isOpen()) k.link.tell(message)
    }, TELL_MS)
  }

  /** Beyond MAX_WINDOWS, the gone windows longest known are forgotten. */
  private forgetOldest(): void {
    while (this.known.length > MAX_WINDOWS) {
      const i = this.known.findIndex((k) => !k.link?.isOpen())
      if (i < 0) return
      this.known.splice(i, 1)
    }
  }
}
