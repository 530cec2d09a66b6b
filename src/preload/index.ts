// The preload exposes verbs, not IPC: one frozen object, window.socklab, built from the contract's
// verb list. The renderer cannot reach ipcRenderer, channels of its choosing, or Node.

import { contextBridge, ipcRenderer } from 'electron'
import type { LabApi, Reply } from '../shared/contract'
import { callError, channelOf, EVENTS_CHANNEL, PACKETS_CHANNEL, READY_CHANNEL, verbsVia, type Verb } from '../shared/contract'
import type { LabEvent } from '../shared/events'
import type { WirePacket } from '../shared/wire'

async function call(verb: Verb, args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channelOf(verb), ...args)) as Reply<unknown>
  if (!reply.ok) throw callError(reply)
  return reply.value
}

const api = verbsVia(call)

const socklab: LabApi = {
  ...api,
  onEvents(listener) {
    const relay = (_event: unknown, batch: LabEvent[]): void => listener(batch)
    ipcRenderer.on(EVENTS_CHANNEL, relay)
    ipcRenderer.send(READY_CHANNEL)
    return () => {
      ipcRenderer.removeListener(EVENTS_CHANNEL, relay)
    }
  },
  onPackets(listener) {
    const relay = (_event: unknown, batch: WirePacket[]): void => listener(batch, 0)
    ipcRenderer.on(PACKETS_CHANNEL, relay)
    return () => {
      ipcRenderer.removeListener(PACKETS_CHANNEL, relay)
    }
  }
}

contextBridge.exposeInMainWorld('socklab', socklab)
