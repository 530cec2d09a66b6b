// This window among the host's windows: its number, what it shows (told to the host for those
// that follow it), and which window it follows, if any (the projector following the instructor).
// Following is this window's own choice, kept over a reload in sessionStorage; the leader is told
// nothing but what every window is told.

import type { LabApi } from '../../../shared/contract'
import { parseConsoleKey } from '../../../shared/console-keys'
import type { Family } from '../../../shared/events'
import type { SharedView, WindowEntry, WindowsState } from '../../../shared/window-views'
import { defaultClientFields, newTab, type LabState } from '../lab/lab-state'

export interface FollowState {
  /** This window's number on the host, once the host answered. */
  self?: number
  windows: WindowEntry[]
  /** The number of the window this one follows. */
  following: number | null
}

const TOKEN_KEY = 'socklab.window'
const FOLLOW_KEY = 'socklab.follow'
/** What this window shows is told at most this often. */
const SHARE_MS = 50

export class WindowFollow {
  private state: FollowState
  private readonly listeners = new Set<() => void>()
  private pending: SharedView | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private lastSent = ''

  /** `session`: the host's run; a window number means nothing to the next run, so following does not outlive it. */
  constructor(
    private readonly api: Pick<LabApi, 'showView' | 'onWindows'>,
    private readonly session: string
  ) {
    this.state = { windows: [], following: readFollowing(session) }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): FollowState => this.state

  open(): () => void {
    const stop = this.api.onWindows(({ windows }) => this.set({ windows }))
    return () => {
      stop()
      clearTimeout(this.timer)
    }
  }

  /** What this window shows now (told to the host soon, once, if it changed). */
  share(view: SharedView): void {
    const text = JSON.stringify(view)
    if (text === this.lastSent) return
    this.lastSent = text
    this.pending = view
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      const next = this.pending!
      // No token is no argument: JSON would carry an undefined one as null, which the host refuses.
      const token = readToken()
      void (token ? this.api.showView(next, token) : this.api.showView(next)).then(
        (answer: WindowsState) => {
          writeSession(TOKEN_KEY, answer.self.token)
          this.set({ self: answer.self.n, windows: answer.windows })
        },
        // The host is gone (the banner says it) or refused the view: followers keep the last one.
        () => undefined
      )
    }, SHARE_MS)
  }

  /** Follows window `n`, or (null) none: the window shows its own lab, tab and view again. */
  follow(n: number | null): void {
    writeSession(FOLLOW_KEY, n === null ? null : JSON.stringify({ session: this.session, n }))
    this.set({ following: n })
  }

  /** The window followed, as the host last told of it (undefined: it is not on this host). */
  leader(state = this.state): WindowEntry | undefined {
    return state.following === null || state.following === state.self ? undefined : state.windows.find((w) => w.n === state.following)
  }

  private set(change: Partial<FollowState>): void {
    this.state = { ...this.state, ...change }
    for (const listener of this.listeners) listener()
  }
}

/**
 * Lab `lab` as the leader shows it: its client tabs with the leader's numbers, each showing the
 * tab of this window that shows the same client (another window's client may have another number
 * here), and the leader's tab on screen.
 */
export function mirroredLab(lab: LabState, led: SharedView, family: Family): LabState {
  let activeTab = lab.activeTab
  const tabs = led.tabs.map((shared) => {
    const n = parseConsoleKey(shared.key)?.n ?? 1
    const own = (shared.endpoint !== undefined && lab.tabs.find((t) => t.endpointId === shared.endpoint)) || lab.tabs.find((t) => t.key === shared.key) || newTab(lab.kind, n, defaultClientFields(lab.kind, family, lab.server.port))
    if (shared.key === led.tab) activeTab = own.key
    return { ...own, label: `Client ${n}` }
  })
  return tabs.length > 0 ? { ...lab, tabs, activeTab } : lab
}

function readFollowing(session: string): number | null {
  try {
    const saved = JSON.parse(readSession(FOLLOW_KEY) ?? 'null') as { session?: unknown; n?: unknown } | null
    return saved?.session === session && Number.isInteger(saved.n) && (saved.n as number) > 0 ? (saved.n as number) : null
  } catch {
    return null
  }
}

function readToken(): string | undefined {
  const token = readSession(TOKEN_KEY)
  return token && /^[0-9a-f]{32}$/.test(token) ? token : undefined
}

function readSession(key: string): string | null {
  try {
    return window.sessionStorage.getItem(key)
  } catch {
    return null
  }
}

function writeSession(key: string, value: string | null): void {
  try {
    if (value === null) window.sessionStorage.removeItem(key)
    else window.sessionStorage.setItem(key, value)
  } catch {
    // Storage off: the window forgets on reload.
  }
}
