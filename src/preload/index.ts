// The preload exposes verbs, not IPC: one frozen object, window.socklab, built from the contract's
// verb list. The renderer cannot reach ipcRenderer, channels of its choosing, or Node.

import { contextBridge, ipcRenderer } from 'electron'
import type { LabApi, Reply } from '../shared/contract'
import { callError, channelOf, FEED_CHANNEL, READY_CHANNEL, verbsVia, type Verb } from '../shared/contract'
import { FeedListeners, type FeedMessage } from '../shared/feed'

async function call(verb: Verb, args: unknown[]): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(channelOf(verb), ...args)) as Reply<unknown>
  if (!reply.ok) throw callError(reply)
  return reply.value
}

// Main sends a feed only once the page has said it is ready for it (by subscribing).
const feeds = new FeedListeners((feed) => ipcRenderer.send(READY_CHANNEL, feed))
ipcRenderer.on(FEED_CHANNEL, (_event, message: FeedMessage) => feeds.deliver(message))

const socklab: LabApi = {
  ...verbsVia(call),
  onEvents: (listener) => feeds.onEvents(listener),
  onPackets: (listener) => feeds.onPackets(listener),
  onWindows: (listener) => feeds.onWindows(listener)
}

contextBridge.exposeInMainWorld('socklab', socklab)
