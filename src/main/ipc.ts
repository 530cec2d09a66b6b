// Binds a Lab to Electron's IPC: every verb of the contract gets one handler that checks the
// sender is our window, validates the payload and replies with an envelope. Events go out in
// batches, and are held for a window until its renderer says it is listening; captured packets
// travel the same way on a channel of their own, so that they never crowd out events.
// Electron is reached only through the narrow interfaces below, so tests can drive this module
// with a fake ipcMain (the one place a mock is acceptable: Electron cannot run here).

import type { LabHandlers } from '../shared/contract'
import { channelOf, EVENTS_CHANNEL, PACKETS_CHANNEL, READY_CHANNEL, VERBS } from '../shared/contract'
import type { LabEvent } from '../shared/events'
import type { WirePacket } from '../shared/wire'
import { dispatch } from './host/dispatch'
import { EventBatcher, MAX_PACKET_BATCH } from './host/event-batcher'
import type { LabCapture } from './host/lab-capture'
import type { Lab } from './lab/lab'

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

/** The part of ipcMain we use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcCallEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
  on(channel: string, listener: (event: IpcCallEvent) => void): unknown
  removeListener(channel: string, listener: (event: IpcCallEvent) => void): unknown
}

export interface IpcBinding {
  /** Stops handling calls and events; returns once nothing is bound. */
  dispose(): void
}

/** Events held for a window whose renderer is not listening yet: the newest ones, bounded. */
const MAX_HELD = 10_000

export function bindLabToIpc(
  ipcMain: IpcMainLike,
  lab: Lab,
  handlers: LabHandlers,
  window: RendererTarget,
  isTrustedUrl: (url: string) => boolean,
  capture: Pick<LabCapture, 'on' | 'off'>
): IpcBinding {
  const trusted = (event: IpcCallEvent): boolean =>
    event.sender.id === window.id && !window.isDestroyed() && (!event.senderFrame || isTrustedUrl(event.senderFrame.url))

  for (const verb of VERBS) {
    ipcMain.handle(channelOf(verb), (event, ...args) => {
      if (!trusted(event)) return { ok: false, error: 'refused: this request did not come from the socklab window', code: 'EUNTRUSTED' }
      return dispatch(handlers, verb, args)
    })
  }

  let ready = false
  let held: LabEvent[] = []
  const batcher = new EventBatcher((batch) => {
    if (window.isDestroyed()) return
    if (ready) return window.send(EVENTS_CHANNEL, batch)
    held.push(...batch)
    if (held.length > MAX_HELD) held = held.slice(-MAX_HELD)
  })
  // A window that is not listening yet asks for wireHistory() when it does: nothing to hold.
  const packets = new EventBatcher<WirePacket>((batch) => {
    if (ready && !window.isDestroyed()) window.send(PACKETS_CHANNEL, batch)
  }, MAX_PACKET_BATCH)
  const onReady = (event: IpcCallEvent): void => {
    if (!trusted(event)) return
    ready = true
    batcher.flush()
    if (held.length) window.send(EVENTS_CHANNEL, held)
    held = []
  }
  ipcMain.on(READY_CHANNEL, onReady)
  lab.on('event', batcher.push)
  capture.on('packets', packets.pushAll)

  return {
    dispose() {
      for (const verb of VERBS) ipcMain.removeHandler(channelOf(verb))
      ipcMain.removeListener(READY_CHANNEL, onReady)
      lab.off('event', batcher.push)
      capture.off('packets', packets.pushAll)
      batcher.dispose()
      packets.dispose()
    }
  }
}
