// A stand-in for Electron's ipcMain (and the renderer's side of it): the Electron boundary is the
// one place a mock is acceptable, since the Electron binary cannot run here.

import type { IpcCallEvent, IpcMainLike } from '../../src/main/ipc'

type Handler = (event: IpcCallEvent, ...args: unknown[]) => unknown
type Listener = (event: IpcCallEvent, ...args: unknown[]) => void

export class FakeIpcMain implements IpcMainLike {
  handlers = new Map<string, Handler>()
  listeners = new Map<string, Listener>()
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`) // as Electron does
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  on(channel: string, listener: Listener): void {
    this.listeners.set(channel, listener)
  }
  removeListener(channel: string): void {
    this.listeners.delete(channel)
  }
  /** What ipcRenderer.invoke does: no handler for a channel is an error in the renderer. */
  async invoke(event: IpcCallEvent, channel: string, ...args: unknown[]): Promise<unknown> {
    const h = this.handlers.get(channel)
    if (!h) throw new Error(`No handler registered for '${channel}'`)
    return h(event, ...args)
  }
  /** What ipcRenderer.send does. */
  send(event: IpcCallEvent, channel: string, ...args: unknown[]): void {
    this.listeners.get(channel)?.(event, ...args)
  }
}
