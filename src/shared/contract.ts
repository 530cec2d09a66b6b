// The one contract between the UI and whatever hosts the engine (Electron main or the browser host).
// Every verb is declared once here; the preload, the WebSocket client, the IPC binding and the
// browser host all derive their types and channel names from LabCommands. Nothing else spells them.

import type { ConfigOf, EndpointKind, KindOfRole } from './endpoint-kinds'
import type { SockAddr, WindowLineStyle } from './events'
import type { EventsListener, PacketsListener } from './feed'
import type { KernelTcpReading } from './kernel-tcp'
import type { Lang } from './i18n/resources'
import type { CaptureStatus, PcapngExport } from './wire'
import type { SharedView, WindowsMessage, WindowsState } from './window-views'
import { isSaid, type Said } from './i18n/said'

export type { EndpointKind } from './endpoint-kinds'

/** The config an endpoint is started with, one per kind of the table (shared/endpoint-kinds.ts). */
export type EndpointConfig = { [K in EndpointKind]: ConfigOf<K> }[EndpointKind]
export type ServerConfig = ConfigOf<KindOfRole<'server'>>
export type ClientConfig = ConfigOf<KindOfRole<'client'>>

// The names the engine's endpoint files use for their own config.
export type TcpServerConfig = ConfigOf<'tcp-server'>
export type TcpClientConfig = ConfigOf<'tcp-client'>
export type UdpServerConfig = ConfigOf<'udp-server'>
export type UdpClientConfig = ConfigOf<'udp-client'>
export type HttpServerConfig = ConfigOf<'http-server'>
export type HttpClientConfig = ConfigOf<'http-client'>
/** The per-connection limits of an HTTP server that a caller may tighten. */
export type HttpServerLimits = Required<NonNullable<HttpServerConfig['limits']>>

/**
 * What a client endpoint is doing now: `connecting` (a connect() under way), `connected` (a TCP
 * connection open, nothing sent on it yet: an iterative server may hold it in its backlog),
 * `waiting` (a send under way, waiting for the reply) or `idle` (no socket open).
 */
export type ClientActivity = 'idle' | 'connecting' | 'connected' | 'waiting'

export interface EndpointInfo {
  id: string
  config: EndpointConfig
  /** The bound address once a server listens (port 0 becomes the port the OS chose). */
  local?: SockAddr
  /**
   * Clients: what the endpoint is doing, and how its last exchange ended (the bytes received, or
   * failed), so that a window that (re)loads shows the tab as it is and offers Close or Cancel.
   */
  client?: { now: ClientActivity; received?: number; failed?: true }
  /** The console the window that started it shows it in ("tcp:client:2"), if it said (console-keys.ts). */
  console?: string
  /**
   * HTTP clients: the URL it was last asked to fetch. It is no part of the config (each send gives
   * one), and without it another window, or a reload, would show the tab's default URL instead.
   */
  url?: string
}

/** An endpoint the host stopped lately (see stopped()). */
export interface StoppedInfo {
  id: string
  /** The console it spoke in, if the window that started it said. */
  console?: string
  /** A client stopped while a call (connect, send) was under way: its wait was cancelled. */
  inCall?: true
  /** What it was started with: a window shows a stopped client's tab with the fields it used. */
  config?: EndpointConfig
  /** HTTP clients: the URL it was last asked to fetch (see EndpointInfo.url). */
  url?: string
}

export interface SendResult {
  /** The reply as text (lossy for binary data, and only its first MiB for HTTP; the packet log has the bytes). */
  reply: string
  /** Bytes received in all. */
  length: number
}

/**
 * A line the window writes into one of its consoles (a refusal, "Server stopped: …", the echo of a
 * sentence). It goes through the host and comes back as a console event, so that it is in the
 * lab's history (a reload shows it) and every window on the host shows it.
 */
export interface WindowLine {
  /** The console: "tcp:server", "udp:client:2" (console-keys.ts). */
  console: string
  /** The endpoint the console had when the line was written: a window that shows it elsewhere puts the line with it. */
  endpoint?: string
  style: WindowLineStyle
  /**
   * One line: no control characters (console-keys.ts). What the student typed (`input`) is text: it
   * is data, never translated. A host's sentence that is no Said yet is text too.
   */
  text?: string
  /** A note or an error of the window's own, as a key and parameters: each window words it in its language. */
  said?: Said
}

export interface HostInfo {
  host: 'electron' | 'browser'
  version: string
  /** Folder of the sample site that ships with the app: one folder per language in it (en/, it/), the window's served by the HTTP lab by default (sampleSiteIn). */
  sampleSite: string
  /** Whether the machine has an IPv6 loopback, so the IPv6 toggle can work. */
  ipv6: boolean
  /** Whether chooseFolder() can open a native dialog. */
  canChooseFolder: boolean
  /** Names this run of the host (its Lab's event numbers start again in the next): a window keeps
   *  what the student did to its view (Clear) for this session only. */
  session: string
  /** The language this user last chose in a window (kept by the host, per user), if any. */
  language?: string
}

/** Each verb the UI may call, as a synchronous signature; transports make them async. */
export interface LabCommands {
  hostInfo(): HostInfo
  /** `console`: the console key the starting window shows the endpoint in; other windows place it by it after a reload. */
  start(config: EndpointConfig, console?: string): EndpointInfo
  stop(id: string): void
  /** TCP clients only: open the connection now and send later, to show what an iterative server does. */
  connect(id: string): void
  /** TCP servers only: close one of its connections (its number, `conn` of its events), as the server program would close() it. */
  closeConnection(id: string, conn: number): void
  /** One exchange of a client: a sentence for TCP/UDP, a URL for HTTP. */
  send(id: string, input: string): SendResult
  list(): EndpointInfo[]
  /**
   * The endpoints stopped lately (the newest 256, oldest first): a window that (re)loads places their
   * replayed lines in the console each spoke in. A verb of its own, asked beside list(): list() keeps
   * meaning "what runs" for every caller, and the feed stays events only.
   */
  stopped(): StoppedInfo[]
  /** A line of the window's own, kept with the events (see WindowLine). */
  writeConsole(line: WindowLine): void
  chooseFolder(): string | null
  /** Whether packets can be captured here, and what is being captured; the sentence and the remedy when not. */
  captureStatus(): CaptureStatus
  /** Captures the lab's ports (following them as servers and clients come and go) until stopCapture(). */
  startCapture(): CaptureStatus
  stopCapture(): CaptureStatus
  /**
   * The kernel's TCP sockets on the lab's ports (Linux), or why the OS does not show them;
   * `since`, the version the window holds: "unchanged" when the rows are still those.
   */
  kernelState(since?: number): KernelTcpReading
  /** The capture as a pcapng file for Wireshark. */
  exportPcapng(): PcapngExport
  /**
   * What this window shows now, for windows that follow it (window-views.ts); `token` is the one the
   * host gave it before a reload, so that it keeps its number. Answers with its number and every
   * window's; changes come on the windows feed.
   */
  showView(view: SharedView, token?: string): WindowsState
  /** Remembers the language this user chose in a window, for the next run (hostInfo().language). */
  setLanguage(lang: Lang): void
}

export type Verb = keyof LabCommands
export type ArgsOf<V extends Verb> = Parameters<LabCommands[V]>
export type ResultOf<V extends Verb> = ReturnType<LabCommands[V]>

export const VERBS = [
  'hostInfo',
  'start',
  'stop',
  'connect',
  'closeConnection',
  'send',
  'list',
  'stopped',
  'writeConsole',
  'chooseFolder',
  'captureStatus',
  'startCapture',
  'stopCapture',
  'kernelState',
  'exportPcapng',
  'showView',
  'setLanguage'
] as const satisfies readonly Verb[]

/** Compiles only when `List` names every member of `All` (satisfies above refuses anything else). */
export type NamesAll<List extends readonly string[], All extends string> = [Exclude<All, List[number]>] extends [never] ? true : { missing: Exclude<All, List[number]> }
/** A verb of LabCommands missing from VERBS would be callable on no transport: refuse to compile. */
export const VERBS_NAME_ALL_COMMANDS: NamesAll<typeof VERBS, Verb> = true

/**
 * What a renderer holds: every verb as a promise, plus the two feeds (shared/feed.ts). Subscribing
 * to a feed tells the host the window is ready for it: the host sends what it still holds, then
 * the live stream, with no gap and no duplicate. A window subscribes once per feed (a second
 * subscription starts the feed over, replay included).
 */
export type LabApi = { [V in Verb]: (...args: ArgsOf<V>) => Promise<ResultOf<V>> } & {
  /** Batches of events in seq order, `replay` true for those the host held when the window subscribed; returns the unsubscribe function. */
  onEvents(listener: EventsListener): () => void
  /**
   * Batches of captured packets, a stream of its own beside the events, with how many packets
   * were left out before this batch because the window read too slowly; returns the unsubscribe function.
   */
  onPackets(listener: PacketsListener): () => void
  /** The windows on the host and what each shows, whenever that changes (after this window's first showView). */
  onWindows(listener: (message: WindowsMessage) => void): () => void
}

/** What main and the browser host implement. */
export type LabHandlers = { [V in Verb]: (...args: ArgsOf<V>) => ResultOf<V> | Promise<ResultOf<V>> }

/**
 * Replies travel as envelopes so that an error reaches the UI as its own one-line message.
 * `reported`: the failure is in the event stream already, as an error (or reset) event of the
 * endpoint the call named, so the window that shows that endpoint's events must not say it again.
 * `said`: what failed, as data, for the window to word in its language (`error` is its English words).
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: string; code?: string; reported?: true; said?: Said }

/** A failed call as the window sees it: the host's sentence, Node's code, what failed as data, and whether an event says it already. */
export interface CallError extends Error {
  code?: string
  reported?: boolean
  said?: Said
}

/** The error a failed reply rejects with, in the preload and in the browser's WebSocket client alike. */
export function callError(reply: Extract<Reply<unknown>, { ok: false }>): CallError {
  return Object.assign(new Error(reply.error), { code: reply.code, reported: reply.reported === true, ...(isSaid(reply.said) && { said: reply.said }) })
}

export const channelOf = <V extends Verb>(verb: V): `lab:${V}` => `lab:${verb}`
/** Main → renderer: the messages of the feeds (shared/feed.ts), the same as over the WebSocket. */
export const FEED_CHANNEL = 'lab:feed'
/** Renderer → main: ready for a feed (its name); the session holds the feed for a window until then. */
export const READY_CHANNEL = 'lab:ready'

export function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (VERBS as readonly string[]).includes(value)
}

/** Every verb of the LabApi as a call through one transport function (the preload's IPC, the browser's WebSocket). */
export function verbsVia(call: (verb: Verb, args: unknown[]) => Promise<unknown>): Omit<LabApi, 'onEvents' | 'onPackets' | 'onWindows'> {
  return Object.fromEntries(VERBS.map((verb) => [verb, (...args: unknown[]) => call(verb, args)])) as Omit<LabApi, 'onEvents' | 'onPackets' | 'onWindows'>
}
