// The LabApi over the browser host's WebSocket: the same verbs as the Electron preload, so the
// UI cannot tell which host it runs in. The token comes from the page's own address (tests that
// run the window's logic in Node pass the address, and the `ws` package's WebSocket).

import type { LabApi } from '../../../shared/contract'
import { callError, verbsVia } from '../../../shared/contract'
import { FeedListeners } from '../../../shared/feed'
import type { CallMessage, HostMessage, ViewerMessage } from '../../../shared/ws-protocol'
import { TOKEN_PARAM, WS_PATH } from '../../../shared/ws-protocol'
import { said, type Said } from '../../../shared/i18n/said'

interface Pending {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

/** The lab's WebSocket address for the page at `page`: same host, the page's token. */
export function labSocketAddress(page: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(page.search).get(TOKEN_PARAM) ?? ''
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${page.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`
}

/**
 * An error of the window's own link to the host: what to say is a Said (worded where it shows, in
 * the window's language); `message` is its key, for logs and tests.
 */
export interface SaidError extends Error {
  said: Said
}
export function saidError(s: Said): SaidError {
  return Object.assign(new Error(s.key), { said: s })
}

export function connectWsLabApi(onLost: (reason: Said) => void, address = labSocketAddress(location), Socket: typeof WebSocket = WebSocket): Promise<LabApi> {
  const ws = new Socket(address)
  const pending = new Map<number, Pending>()
  // The host sends a feed only once the page has said it is ready for it (by subscribing).
  const feeds = new FeedListeners((feed) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ ready: feed } satisfies ViewerMessage))
  })
  let nextId = 1

  ws.addEventListener('message', (message) => {
    let data: HostMessage
    try {
      data = JSON.parse(String(message.data)) as HostMessage
    } catch {
      return console.error(`socklab: a message from the host was left out: it is not JSON (${String(message.data).slice(0, 60)})`)
    }
    if (typeof data !== 'object' || data === null || !('id' in data)) return feeds.deliver(data)
    const reply = data.reply as unknown as Record<string, unknown> | null
    const waiting = pending.get(data.id)
    // A reply must say whether the call worked, and why not: else the call fails with that line.
    if (typeof reply !== 'object' || reply === null || typeof reply.ok !== 'boolean' || (reply.ok === false && typeof reply.error !== 'string')) {
      console.error(`socklab: a reply from the host was left out: it says neither a value nor an error (call ${String(data.id).slice(0, 20)})`)
      if (!waiting) return
      pending.delete(data.id)
      return waiting.reject(saidError(said('lab:banner.unreadable')))
    }
    if (!waiting) return
    pending.delete(data.id)
    if (data.reply.ok) waiting.resolve(data.reply.value)
    else waiting.reject(callError(data.reply))
  })

  const call = (verb: string, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (ws.readyState !== ws.OPEN) return reject(saidError(said('lab:banner.notRunning')))
      const id = nextId++
      pending.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, verb, args } satisfies CallMessage))
    })

  const lab: LabApi = {
    ...verbsVia(call),
    onEvents: (listener) => feeds.onEvents(listener),
    onPackets: (listener) => feeds.onPackets(listener),
    onWindows: (listener) => feeds.onWindows(listener)
  }

  return new Promise((resolve, reject) => {
    let opened = false
    ws.addEventListener('open', () => {
      opened = true
      resolve(lab)
    })
    ws.addEventListener('close', () => {
      if (!opened) return reject(saidError(said('lab:banner.unreachable')))
      const reason = said('lab:banner.lost')
      for (const p of pending.values()) p.reject(saidError(reason))
      pending.clear()
      onLost(reason)
    })
  })
}
