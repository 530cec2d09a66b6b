// The browser host: the built renderer and the LabApi contract over a WebSocket, for machines
// without the Electron binary (and for the e2e tests), as a thin adapter over the lab session:
// each WebSocket is one viewer of the session, attached as every viewer is (src/session/viewers.ts).
// Loopback only; the WebSocket demands the per-run token and our own origin, and every request
// must name us in its Host header, so neither another web page nor a DNS-rebinding trick can drive
// the lab. The capture's pcapng is a download under the same checks: the token, our Host header,
// and no request from another site.

import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream/promises'
import { WebSocketServer, type WebSocket } from 'ws'
import { isFeedName } from '../shared/feed'
import { MAX_VIEWERS } from '../shared/limits'
import type { HostMessage, ViewerMessage } from '../shared/ws-protocol'
import { PCAPNG_PATH, TOKEN_PARAM, WS_PATH } from '../shared/ws-protocol'
import type { Lab } from '../engine/lab'
import { explainError } from '../engine/errors'
import { CONTENT_SECURITY_POLICY } from '../session/csp'
import type { HostFacts } from '../session/handlers'
import type { LabCaptureOptions } from '../session/lab-capture'
import { LabSession } from '../session/lab-session'
import type { Viewer, ViewerLink } from '../session/viewers'

export interface BrowserHostOptions {
  lab: Lab
  facts: Omit<HostFacts, 'host' | 'chooseFolder'>
  /** The built renderer (out/renderer). */
  rendererDir: string
  port: number
  /** 127.0.0.1 or ::1; nothing else is accepted. */
  address?: '127.0.0.1' | '::1'
  /** Where the capture tools are (tests); by default PATH, the usual folders, or SOCKLAB_WIRESHARK. */
  capture?: LabCaptureOptions
  /** How long the capture goes on once the last window has gone (tests; see window-grace.ts). */
  captureGraceMs?: number
}

export interface BrowserHost {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

/** A call message larger than this is refused: no verb needs more (inputs are capped at 64 KiB). */
const MAX_MESSAGE_BYTES = 256 * 1024

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const address = options.address ?? '127.0.0.1'
  const token = crypto.randomBytes(24).toString('base64url')
  const pcapngUrl = `${PCAPNG_PATH}?${TOKEN_PARAM}=${token}`
  const session = new LabSession({
    lab: options.lab,
    facts: { ...options.facts, host: 'browser', exportPcapng: async (pcapng) => (pcapng.destroy(), { kind: 'download', url: pcapngUrl }) },
    capture: options.capture,
    captureGraceMs: options.captureGraceMs
  })
  const server = http.createServer()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  let port = options.port

  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])

  server.on('request', (req, res) => {
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 421, 'this host serves 127.0.0.1 only')
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed')
    if (new URL(req.url ?? '/', 'http://x').pathname === PCAPNG_PATH) return void servePcapng(req, res)
    void serveStatic(options.rendererDir, req.url ?? '/', req.method === 'HEAD', res)
  })

  async function servePcapng(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x')
    // Browsers say where a request comes from: a page of another site may not even try.
    const site = req.headers['sec-fetch-site']
    if (!sameToken(url.searchParams.get(TOKEN_PARAM), token) || (site !== undefined && site !== 'same-origin' && site !== 'none')) return refuse(res, 403, 'forbidden')
    const pcapng = session.capture.pcapng()
    if (!pcapng) return refuse(res, 404, 'nothing captured yet: open the Wire view, then run an exchange')
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)
    res.writeHead(200, {
      'Content-Type': 'application/x-pcapng',
      'Content-Disposition': `attachment; filename="socklab-${stamp}.pcapng"`,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store'
    })
    if (req.method === 'HEAD') {
      pcapng.destroy()
      return void res.end()
    }
    // Streamed from the capture files: a download the browser reads slowly holds a chunk, not the capture.
    pipeline(pcapng, res).catch(() => res.destroy())
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const origin = req.headers.origin
    const host = req.headers.host ?? ''
    const ok =
      url.pathname === WS_PATH &&
      allowedHosts().has(host) &&
      origin === `http://${host}` &&
      sameToken(url.searchParams.get(TOKEN_PARAM), token)
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
  })

  function attach(ws: WebSocket): void {
    ws.on('error', () => ws.terminate())
    if (session.viewerCount >= MAX_VIEWERS) {
      ws.close(1013, `socklab serves at most ${MAX_VIEWERS} windows at once: close one, then reload`)
      return
    }
    const viewer = session.attach(webSocketLink(ws))
    ws.once('close', () => viewer.close())
    ws.on('message', (data, isBinary) => {
      viewer.called()
      void onMessage(viewer, isBinary ? null : data.toString())
    })
  }

  /** A call is answered; "ready" starts a feed; anything else (not JSON, binary, no id) gets no answer. */
  async function onMessage(viewer: Viewer, text: string | null): Promise<void> {
    let message: Partial<ViewerMessage> & Record<string, unknown>
    try {
      message = text === null ? {} : JSON.parse(text)
    } catch {
      return
    }
    if (typeof message !== 'object' || message === null) return
    if ('ready' in message) {
      if (isFeedName(message.ready)) viewer.ready(message.ready)
      return
    }
    if (typeof message.id !== 'number') return
    viewer.reply({ id: message.id, reply: await session.call(message.verb, message.args, viewer) })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(explainError(err, { address, port, action: 'listen' })))
    server.listen({ host: address, port }, resolve)
  })
  port = (server.address() as AddressInfo).port
  const shown = address.includes(':') ? `[${address}]` : address
  return {
    url: `http://${shown}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close: async () => {
      await session.close()
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** A WebSocket as the session sees a viewer: it says how much the window has yet to read, so it gets flow control. */
function webSocketLink(ws: WebSocket): ViewerLink {
  return {
    send: (message: HostMessage, frame?: () => Buffer) => ws.send(frame ? frame() : JSON.stringify(message), { binary: false }),
    isOpen: () => ws.readyState === ws.OPEN,
    flow: {
      backlog: () => ws.bufferedAmount,
      pauseCalls: () => ws.pause(),
      resumeCalls: () => ws.resume(),
      drop: () => ws.terminate()
    }
  }
}

function sameToken(given: string | null, token: string): boolean {
  if (given === null || given.length !== token.length) return false
  return crypto.timingSafeEqual(Buffer.from(given), Buffer.from(token))
}

function refuse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

async function serveStatic(root: string, rawUrl: string, headOnly: boolean, res: http.ServerResponse): Promise<void> {
  let relative: string
  try {
    const pathname = new URL(rawUrl, 'http://x').pathname
    relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
  } catch {
    return refuse(res, 400, 'bad request')
  }
  const file = path.resolve(root, relative)
  if (!file.startsWith(path.resolve(root) + path.sep)) return refuse(res, 404, 'not found')
  let body: Buffer
  try {
    body = await fs.readFile(file)
  } catch {
    return refuse(res, 404, 'not found')
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': body.length,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // The page URL carries the token: never let it leave in a Referer header.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store'
  })
  res.end(headOnly ? undefined : body)
}
