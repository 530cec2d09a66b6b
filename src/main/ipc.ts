// Electron's IPC as a thin adapter over the lab session: every verb of the contract gets one
// handler that checks the sender is our window and passes the call to the session; the window is
// one viewer of the session, attached as every viewer is (src/session/viewers.ts), whose feeds go
// out on one channel and start when its renderer says it is ready for them.
// Electron is reached only through the narrow interfaces below, so tests can drive this module
// with a fake ipcMain (the one place a mock is acceptable: Electron cannot run here).

import { channelOf, FEED_CHANNEL, READY_CHANNEL, VERBS } from '../shared/contract'
import { isFeedName } from '../shared/feed'
import type { LabSession } from '../session/lab-session'

/** The part of a WebContents we use. */
export interface RendererTarget {
  readonly id: number
  send(channel: string, payload: unknown): void
  isDestroyed(): boolean
}

/** The part of an IpcMainInvokeEvent / IpcMainEvent we use. */
export interface IpcCallEvent {
  sender: { id: number }
  senderFrame?: { url: string } | null
}

type ReadyListener = (event: IpcCallEvent, ...args: unknown[]) => void

/** The part of ipcMain we use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcCallEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
  on(channel: string, listener: ReadyListener): unknown
  removeListener(channel: string, listener: ReadyListener): unknown
}

export interface IpcBinding {
  /** Stops handling calls and feeding the window; returns once nothing is bound. */
  dispose(): void
}

export function bindSessionToIpc(
  ipcMain: IpcMainLike,
  session: Pick<LabSession, 'call' | 'attach'>,
  window: RendererTarget,
  isTrustedUrl: (url: string) => boolean
): IpcBinding {
  const trusted = (event: IpcCallEvent): boolean =>
    event.sender.id === window.id && !window.isDestroyed() && (!event.senderFrame || isTrustedUrl(event.senderFrame.url))

  // No flow control: Electron does not say how much a window has yet to read.
  const viewer = session.attach({
    send: (message) => window.send(FEED_CHANNEL, message),
    isOpen: () => !window.isDestroyed()
  })

  // Calls come from this window's viewer: showView speaks for it (its number, what it shows).
  for (const verb of VERBS) {
    ipcMain.handle(channelOf(verb), (event, ...args) => {
      if (!trusted(event)) return { ok: false, error: 'refused: this request did not come from the socklab window', code: 'EUNTRUSTED' }
      return session.call(verb, args, viewer)
    })
  }
  const onReady: ReadyListener = (event, feed) => {
    if (trusted(event) && isFeedName(feed)) viewer.ready(feed)
  }
  ipcMain.on(READY_CHANNEL, onReady)

  return {
    dispose() {
      for (const verb of VERBS) ipcMain.removeHandler(channelOf(verb))
      ipcMain.removeListener(READY_CHANNEL, onReady)
      viewer.close()
    }
  }
}
