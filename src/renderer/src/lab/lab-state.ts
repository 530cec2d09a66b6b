// What the student has set up in each lab, and how those fields become endpoint configs.

import type { ClientConfig, EndpointConfig, EndpointInfo, HostInfo, ServerConfig, StoppedInfo } from '../../../shared/contract'
import type { Family, Role, SockAddr } from '../../../shared/events'
import { defaultClientAddress, defaultServerAddress, ipFamily } from '../../../shared/address'
import { MAX_ENDPOINTS_PER_LAB, UDP_TIMEOUT_DEFAULT_MS } from '../../../shared/limits'
import { configProblemSaid } from '../../../shared/schemas'
import { said, type Said } from '../../../shared/i18n/said'
import { sampleSiteIn } from '../../../shared/i18n/sample-site'
import { LANGS } from '../../../shared/i18n/i18n'
import { clientConsole, consoleKey, parseConsoleKey, serverConsole } from '../../../shared/console-keys'
import type { KindOfRole, LabKind } from '../../../shared/endpoint-kinds'
import { clientOf, CLIENTS, serverOf, SERVERS, type ClientDescription, type FieldValues, type ServerDescription } from '../../../shared/kinds'
import { integer, seconds } from '../../../shared/kinds/kind'
import { ENDPOINT_KINDS, endpointNumber, kindOfId, LAB_KINDS, LAB_ROWS } from '../../../shared/endpoint-kinds'

export { serverConsole } from '../../../shared/console-keys'

export type { LabKind } from '../../../shared/endpoint-kinds'
/** The labs in the header's order, from the table of labs (a new lab is a row there). */
export const LABS: { kind: LabKind; title: string }[] = LAB_KINDS.map((kind) => ({ kind, title: LAB_ROWS[kind].title }))

export interface ServerFields {
  address: string
  /** The student typed an address: the IPv4/IPv6 toggle leaves it alone. */
  addressEdited: boolean
  port: string
  recvSize: string
  concurrent: boolean
  root: string
  /** The fields of a kind's own (its description in shared/kinds names them). */
  [field: string]: string | boolean | undefined
}

export interface ServerRun {
  id: string
  local?: SockAddr
}

/**
 * Where a client tab is in its exchange. Behaviour reads the phase; the status the tab shows is
 * made from it in one place (clientStatus).
 */
export type ClientPhase =
  | 'idle' // nothing under way: never connected, refused, or its connect failed
  | 'connecting' // a TCP client's connect() is under way
  | 'connected' // a TCP client holds an open connection, and may send on it
  | 'waiting' // a send is under way: the client waits for its reply
  | 'done' // the last exchange is over: `received` bytes came back
  | 'failed' // the last exchange failed (the console says why)
  | 'cancelled' // the student stopped the wait
  | 'closed' // the student closed the connection, or (after a reload) none is open

export interface ClientTab {
  /** Console key, and React key. */
  key: string
  label: string
  /** The tab's own fields: each client goes where its tab says, whatever the other tabs hold. */
  fields: ClientFields
  endpointId?: string
  /** The config the endpoint was started with: a changed field means a new endpoint. */
  signature?: string
  phase: ClientPhase
  /** Bytes of the reply, once `done`. */
  received?: number
}

/** A call of the tab is under way: it sends nothing else, and can be cancelled. */
export const isBusy = (tab: ClientTab): boolean => tab.phase === 'connecting' || tab.phase === 'waiting'

/** The status a client tab shows, made from its phase (worded by the panel). */
export function clientStatus(lab: LabKind, tab: ClientTab): Said {
  // The words that differ between kinds are the kind's (a UDP client has no connection to speak of).
  const words = clientOf(lab).status
  switch (tab.phase) {
    case 'idle':
      return words.idle
    case 'connecting':
      return said('lab:status.connecting')
    case 'connected':
      return said('lab:status.connected')
    case 'waiting':
      return words.waiting
    case 'done':
      return words.done?.(tab.received ?? 0) ?? said('lab:status.done', { count: tab.received ?? 0 })
    case 'failed':
      return said('lab:status.failed')
    case 'cancelled':
      return said('lab:status.cancelled')
    case 'closed':
      return words.closed
  }
}

/** The status in a word or two, for a header too narrow for clientStatus (a projector's zoom, many tabs). */
export function clientStatusShort(lab: LabKind, tab: ClientTab): Said {
  switch (tab.phase) {
    case 'connected':
      return said('lab:status.short.connected')
    case 'cancelled':
      return said('lab:status.short.cancelled')
    case 'closed':
      return said('lab:status.short.closed')
    case 'failed':
      return said('lab:status.short.failed')
    case 'waiting':
      return said('lab:status.short.waiting')
    case 'done':
      return clientOf(lab).status.doneShort?.(tab.received ?? 0) ?? said('lab:status.short.done', { count: tab.received ?? 0 })
    default:
      return clientStatus(lab, tab)
  }
}

/**
 * The phase of a tab whose endpoint the host runs, from what the host says it is doing: a window
 * that (re)loads, or follows a call another window made, shows it as that window would.
 */
export function phaseOf(info: EndpointInfo): Pick<ClientTab, 'phase' | 'received'> {
  const c = info.client
  switch (c?.now) {
    case 'connecting':
    case 'connected':
    case 'waiting':
      return { phase: c.now }
    default:
      if (c?.received !== undefined) return { phase: 'done', received: c.received }
      return { phase: c?.failed ? 'failed' : 'closed' }
  }
}

export interface ClientFields {
  address: string
  addressEdited: boolean
  port: string
  portEdited: boolean
  recvSize: string
  timeout: string
  recvOnce: boolean
  url: string
  urlEdited: boolean
  /** The fields of a kind's own (its description in shared/kinds names them). */
  [field: string]: string | boolean | undefined
}

export interface LabState {
  kind: LabKind
  server: ServerFields
  run?: ServerRun
  serverBusy: boolean
  /** The relay between the lab's clients and its server, while it runs (relay/RelayPanel.tsx). */
  relay?: ServerRun
  tabs: ClientTab[]
  activeTab: string
  nextTab: number
}

export function newTab(lab: LabKind, n: number, fields: ClientFields): ClientTab {
  return { key: clientConsole(lab, n), label: `Client ${n}`, fields, phase: 'idle' }
}

/**
 * The folder a stopped server serves once the window speaks `lang`: the sample site of that
 * language when it served one of the sample site's folders, else (a folder the student chose, or
 * a running server's) what it had.
 */
export function sampleSiteFor(lab: LabState, base: string, lang: string): string {
  const sample = LANGS.some((l) => lab.server.root === sampleSiteIn(base, l))
  return sample && !lab.run ? sampleSiteIn(base, lang) : lab.server.root
}

/** The tab on screen in a lab. */
export const shownTab = (lab: LabState): ClientTab => lab.tabs.find((t) => t.key === lab.activeTab) ?? lab.tabs[0]

/** A config's values as fields: those it has. */
const defined = (f: FieldValues): FieldValues => Object.fromEntries(Object.entries(f).filter((e) => e[1] !== undefined))

/** Where a client goes, and what the IPv4/IPv6 switch and the server's port give it: every client tab has these, used by its kind or not. */
const CLIENT_PLACE = new Set(['address', 'addressEdited', 'port', 'portEdited', 'url', 'urlEdited'])

/**
 * A client tab's fields as a new window shows them: towards the lab's server port, on this family's
 * loopback, with the defaults of the lab's client kind (its description says them). Every tab has
 * the fields of the course's clients, whatever its kind uses.
 */
export function defaultClientFields(kind: LabKind, family: Family, port: string): ClientFields {
  const d = clientOf(kind)
  const common = { address: defaultClientAddress(family), addressEdited: false, port, portEdited: false, recvSize: '1024', timeout: seconds(UDP_TIMEOUT_DEFAULT_MS), recvOnce: false, url: defaultUrl(family, port), urlEdited: false }
  return { ...common, ...defined(d.fieldsOf(d.defaults)) }
}

/**
 * A tab the student has not used: never started a client, nothing typed into its fields (the
 * window adds: nothing in its input or console). Another window's client may take it.
 */
export function untouched(kind: LabKind, tab: ClientTab): boolean {
  const f = tab.fields
  const usual = defaultClientFields(kind, 'IPv4', f.port)
  const asUsual = Object.keys(usual).every((name) => CLIENT_PLACE.has(name) || f[name] === usual[name])
  return tab.phase === 'idle' && !tab.endpointId && !f.addressEdited && !f.portEdited && !f.urlEdited && asUsual
}

export function defaultUrl(family: Family, port: string): string {
  return `http://${family === 'IPv6' ? '[::1]' : '127.0.0.1'}:${port}/`
}

export function initialLab(kind: LabKind, family: Family, info: HostInfo): LabState {
  const d = serverOf(kind)
  const port = String(d.port)
  const first = newTab(kind, 1, defaultClientFields(kind, family, port))
  // Every server panel has the fields of the course's servers, whatever its kind uses; its kind's defaults over them.
  const common = { address: defaultServerAddress(family), addressEdited: false, port, recvSize: '1024', concurrent: false, root: sampleSiteIn(info.sampleSite, globalThis.document?.documentElement.lang) }
  return {
    kind,
    server: { ...common, ...defined(d.fieldsOf(d.defaults)) },
    serverBusy: false,
    tabs: [first],
    activeTab: first.key,
    nextTab: 2
  }
}

/** Each tab's fields changed by `change`. */
const withEachTab = (lab: LabState, change: (f: ClientFields) => ClientFields): LabState => ({ ...lab, tabs: lab.tabs.map((t) => ({ ...t, fields: change(t.fields) })) })

/** Follows the IPv4/IPv6 toggle in every field, of the server and of each client tab, the student has not typed into. */
export function withFamily(lab: LabState, family: Family): LabState {
  // A running server's fields say what it runs with: they follow the toggle once it stops.
  const server = lab.server.addressEdited || lab.run ? lab.server : { ...lab.server, address: defaultServerAddress(family) }
  return withEachTab({ ...lab, server }, (c) => ({
    ...c,
    address: c.addressEdited ? c.address : defaultClientAddress(family),
    url: c.urlEdited ? c.url : defaultUrl(family, lab.server.port)
  }))
}

/**
 * Why clients of the toggle's family cannot reach the running server, if they cannot: an IPv4
 * socket takes no IPv6 client, and an IPv6 one only IPv6 clients unless it is the dual-stack `::`.
 */
export function familyMismatch(lab: LabState, family: Family): Said | undefined {
  const local = lab.run?.local
  if (!local || local.family === family || (local.family === 'IPv6' && local.address === '::')) return undefined
  return said('lab:problem.familyMismatch', { server: local.family, family })
}

/** The server's port field changed: each tab's unedited client fields follow it, as the course's defaults match. */
export function withServerPort(lab: LabState, port: string, family: Family): LabState {
  return withEachTab({ ...lab, server: { ...lab.server, port } }, (c) => ({ ...c, port: c.portEdited ? c.port : port, url: c.urlEdited ? c.url : defaultUrl(family, port) }))
}

type Checked<T> = { config: T } | { problem: Said }


/** The fields become a config, checked by the host's own schema: the window refuses what the host would, in its words. */
function checked<T extends EndpointConfig>(config: T): Checked<T> {
  const problem = configProblemSaid(config)
  return problem === null ? { config } : { problem }
}

/**
 * A server's port as the course's rule for -p takes it, as the CLI does: the host also takes 0 (the
 * system picks a free port, for tools and tests), a student's field does not, so 0 is refused in
 * the rule's words (the schema's own, for a port that is not a number).
 */
const coursePort = (text: string): number => {
  const port = integer(text)
  return port === 0 ? NaN : port
}

/** The config the server panel's fields make, as the lab's server kind makes it from them. */
export function serverConfig(lab: LabState, family: Family = 'IPv4'): Checked<ServerConfig> {
  const s = lab.server
  return checked(serverOf(lab.kind).config(s, { address: s.address.trim(), port: coursePort(s.port), family }) as ServerConfig)
}

/** The config a client tab's fields make, as the lab's client kind makes it from them. */
export function clientConfig(kind: LabKind, c: ClientFields, family: Family): Checked<ClientConfig> {
  return checked(clientOf(kind).config(c, { address: c.address.trim(), port: integer(c.port), family }) as ClientConfig)
}

/** Each lab's client prompt: its client kind's, the course program's own words. */
export const PROMPTS = Object.fromEntries(LAB_KINDS.map((kind) => [kind, clientOf(kind).prompt])) as Record<LabKind, string>

/** Identifies a client config whatever order its keys come in: a changed field means a new endpoint. */
export function signatureOf(config: EndpointConfig): string {
  return JSON.stringify(Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))))
}

/** The role of a running endpoint, from the table of kinds. */
const roleOf = (ep: EndpointInfo): Role => ENDPOINT_KINDS[ep.config.kind].role

/** The lab an endpoint belongs to, read from its id through the table of kinds. */
export const labOf = (endpointId: string): LabKind => ENDPOINT_KINDS[kindOfId(endpointId)!]?.lab

export interface Restored {
  labs: Record<LabKind, LabState>
  family: Family
  /** endpoint id → console key, for the endpoints still running. */
  routes: [string, string][]
}

/**
 * The panel shows a running server as it was started, and the client fields the student has not
 * typed into follow its port, as after Start.
 */
function showingServer(lab: LabState, ep: EndpointInfo, family: Family): LabState {
  const c = ep.config as ServerConfig
  // Either family's default was the switch's, not typed: once the server stops it follows the switch again.
  const typed = lab.server.addressEdited && lab.server.address === c.address
  const server: ServerFields = { ...lab.server, address: c.address, addressEdited: typed || (['IPv4', 'IPv6'] as const).every((f) => c.address !== defaultServerAddress(f)) }
  Object.assign(server, defined((SERVERS[c.kind] as ServerDescription).fieldsOf(c)))
  return withServerPort({ ...lab, server, run: { id: ep.id, local: ep.local } }, String(ep.local?.port ?? c.port), family)
}

/**
 * The most tabs a restore makes for one lab. A lab runs at most MAX_ENDPOINTS_PER_LAB endpoints at
 * once; a key past this is no tab a student made but a garbled or hostile one, and making every
 * tab up to it would bury the window: that client takes a free tab instead.
 */
export const MAX_RESTORED_TAB = 2 * MAX_ENDPOINTS_PER_LAB

/** The number of the client tab a console key names in lab `kind`, if it names one a restore makes. */
function clientTabNumber(kind: LabKind, key: string | undefined): number | undefined {
  const place = key === undefined ? undefined : parseConsoleKey(key)
  return place?.lab === kind && place.role === 'client' && place.n! <= MAX_RESTORED_TAB ? place.n : undefined
}

/** The lab with client tabs numbered up to `n` at least, as the window that made them numbered them; the tabs added start from the defaults. */
function withTabsThrough(lab: LabState, n: number, family: Family): LabState {
  if (n < lab.nextTab) return lab
  const fields = defaultClientFields(lab.kind, family, lab.server.port)
  const added = Array.from({ length: n - lab.nextTab + 1 }, (_, i) => newTab(lab.kind, lab.nextTab + i, fields))
  return { ...lab, tabs: [...lab.tabs, ...added], nextTab: n + 1 }
}

/**
 * The fields of a tab that shows a client started with `c` (here or in another window): what it
 * was started with, so that Send goes where its console says. A value the toggle or the server's
 * port would not give counts as typed, and stays. An HTTP client's URL is no part of its config:
 * `url` is the one it last fetched, as the host says (EndpointInfo.url); without one the tab keeps its own.
 */
export function fieldsShowing(base: ClientFields, c: EndpointConfig, family: Family, serverPort: string, url?: string): ClientFields {
  if (ENDPOINT_KINDS[c.kind].role !== 'client') return base
  const shown = defined((CLIENTS[c.kind as KindOfRole<'client'>] as ClientDescription).fieldsOf(c))
  const out: ClientFields = { ...withUrl(base, url, family, serverPort), ...shown }
  if (typeof shown.address === 'string') out.addressEdited = shown.address !== defaultClientAddress(family)
  if (typeof shown.port === 'string') out.portEdited = shown.port !== serverPort
  return out
}

/**
 * The URL field showing `url`, the one an HTTP client fetched: typed unless it is the default the
 * toggle and the server's port give (then it keeps following them, as before the fetch).
 */
export function withUrl(f: ClientFields, url: string | undefined, family: Family, serverPort: string): ClientFields {
  return url === undefined ? f : { ...f, url, urlEdited: url !== defaultUrl(family, serverPort) }
}

/**
 * Tabs whose fields the window kept from before a reload (console key → true): the fields as the
 * student left them, a port following the server unless typed.
 */
export type KeptFields = (key: string) => boolean

/** A tab showing running client `ep`: its endpoint, the fields it was started with, and what it does. */
function holding(lab: LabState, tab: ClientTab, ep: EndpointInfo, family: Family, kept: KeptFields): ClientTab {
  // Connected (or on its way): Send goes over its connection, to where it was started. Idle: the next
  // Send starts a new client from the fields, which then follow the switch as they did before the reload.
  const open = ep.client?.now === 'connecting' || ep.client?.now === 'connected' || ep.client?.now === 'waiting'
  const fields = open ? fieldsShowing(tab.fields, ep.config, family, lab.server.port, ep.url) : notRunning(lab, tab, ep, family, kept)
  return { ...tab, fields, endpointId: ep.id, signature: signatureOf(ep.config), ...phaseOf(ep) }
}

/** A tab showing stopped client `ep`: how it was left, and the fields it used if the host says. */
function showingStopped(lab: LabState, tab: ClientTab, ep: StoppedInfo, family: Family, kept: KeptFields): ClientTab {
  return { ...tab, fields: notRunning(lab, tab, ep, family, kept), phase: stoppedPhase(ep), received: undefined }
}

/**
 * The fields of a tab whose client runs no connection (idle, or stopped): its next Send starts a new
 * client from them. The tab's own, if the window kept them: the client's config is where it went
 * then (a port the server has left since). Else (a new window) the config, if the host says it.
 */
function notRunning(lab: LabState, tab: ClientTab, ep: EndpointInfo | StoppedInfo, family: Family, kept: KeptFields): ClientFields {
  if (kept(tab.key)) return tab.fields
  const shown = ep.config ? fieldsShowing(tab.fields, ep.config, family, lab.server.port, ep.url) : tab.fields
  return followingToggle(shown, tab.fields, family, lab.server.port)
}

/**
 * The fields of a client that is stopped or idle, with what the IPv4/IPv6 switch gave it following
 * the switch again: the next Send starts a new client, of the switch's family, as it did in this tab
 * before the reload (an IPv6 client that is done must not bring ::1 back against an IPv4 server).
 * What the student typed (`was` says so, or the value is no loopback default) stays.
 */
function followingToggle(shown: ClientFields, was: ClientFields, family: Family, serverPort: string): ClientFields {
  const families: Family[] = ['IPv4', 'IPv6']
  const address = !was.addressEdited && families.some((f) => shown.address === defaultClientAddress(f))
  const url = !was.urlEdited && families.some((f) => shown.url === defaultUrl(f, serverPort))
  return {
    ...shown,
    ...(address && { address: defaultClientAddress(family), addressEdited: false }),
    ...(url && { url: defaultUrl(family, serverPort), urlEdited: false })
  }
}

/**
 * The console keys the running clients of lab `kind` claim: each the one it was started in, the
 * first claimant keeping it when two name the same (two windows each had a "Client 2").
 */
function claimedTabs(kind: LabKind, clients: readonly EndpointInfo[]): Map<string, string> {
  const claims = new Map<string, string>()
  for (const ep of clients) {
    const n = labOf(ep.id) === kind ? clientTabNumber(kind, ep.console) : undefined
    if (n !== undefined && !claims.has(clientConsole(kind, n))) claims.set(clientConsole(kind, n), ep.id)
  }
  return claims
}

/** The first tab number whose tab shows no endpoint and that no running client claims (a new tab past the last if none). */
function firstFreeTab(lab: LabState, claims: ReadonlyMap<string, string>): number {
  for (let n = 1; ; n++) {
    const key = clientConsole(lab.kind, n)
    if (!claims.has(key) && !lab.tabs.some((t) => t.key === key && t.endpointId)) return n
  }
}

/**
 * A window that (re)loads while the host runs endpoints: each lab shows its running server as it
 * was started (the client fields follow its port, as after Start), and each running client gets
 * back the tab it was started in (its console key), with the fields it was started with; a client
 * started without one takes the first free tab, in start order. The tabs of clients stopped lately
 * come back too, closed, or cancelled if the student stopped a call (their lines show there).
 */
export function restoreLabs(labs: Record<LabKind, LabState>, running: readonly EndpointInfo[], family: Family, stopped: readonly StoppedInfo[] = [], kept: KeptFields = () => false, familyKept = false): Restored {
  const out = { ...labs }
  const routes: [string, string][] = []
  const servers = running.filter((ep) => roleOf(ep) === 'server')
  const clients = running.filter((ep) => roleOf(ep) === 'client')
  // A relay has no fields in the lab's panels: its lines go to its lab's relay console.
  for (const ep of running) if (roleOf(ep) === 'relay') routes.push([ep.id, consoleKey(labOf(ep.id), 'relay')])
  const v6 = servers.find((ep) => 'address' in ep.config && ipFamily(ep.config.address) === 'IPv6')
  // A window that remembers its switch keeps it (an IPv4 server of another lab must not undo the
  // IPv6 the student chose, and a server the switch cannot reach says so in its panel, as before the
  // reload); a window that remembers nothing starts on the family of what runs.
  if (servers.length > 0 && !familyKept) family = v6 ? 'IPv6' : 'IPv4'
  for (const kind of Object.keys(out) as LabKind[]) out[kind] = withFamily(out[kind], family)

  for (const ep of servers) {
    const kind = labOf(ep.id)
    out[kind] = showingServer(out[kind], ep, family)
    routes.push([ep.id, serverConsole(kind)])
  }

  const claims = new Map(LABS.map(({ kind }) => [kind, claimedTabs(kind, clients)]))
  for (const ep of clients) {
    const kind = labOf(ep.id)
    const claimed = claims.get(kind)!
    const own = claimed.get(ep.console ?? '') === ep.id ? clientTabNumber(kind, ep.console) : undefined
    const n = own ?? firstFreeTab(out[kind], claimed)
    const key = clientConsole(kind, n)
    const lab = withTabsThrough(out[kind], n, family)
    out[kind] = { ...lab, tabs: lab.tabs.map((t) => (t.key === key ? holding(lab, t, ep, family, kept) : t)) }
    routes.push([ep.id, key])
  }

  for (const ep of stopped) {
    const kind = labOf(ep.id)
    const n = kind ? clientTabNumber(kind, ep.console) : undefined
    if (n === undefined) continue
    const key = clientConsole(kind, n)
    const lab = withTabsThrough(out[kind], n, family)
    // The newest stop says how the tab was left, unless a running client shows in it now.
    out[kind] = { ...lab, tabs: lab.tabs.map((t) => (t.key === key && !t.endpointId ? showingStopped(lab, t, ep, family, kept) : t)) }
  }
  return { labs: out, family, routes }
}

/** A stopped client's tab: cancelled if the student stopped a call under way, else closed. */
export function stoppedPhase(ep: StoppedInfo): ClientPhase {
  return ep.inCall ? 'cancelled' : 'closed'
}

export interface Adopted {
  labs: Record<LabKind, LabState>
  /** endpoint id → console key, for the endpoints adopted. */
  routes: [string, string][]
}

/**
 * A window that stays open while another window starts endpoints takes them in as a reload would,
 * but around what the student is doing in it: the lab and the tab on screen, the IPv4/IPv6 toggle
 * and the fields of the tabs in use stay as they are. A new server shows in its lab's panel, unless
 * the panel shows a run already (then only its lines go to the server console). A new client gets
 * the tab of the number its console key names, as the other window numbered it, so that "Client 2"
 * is the same client in both windows (on a projector too), if that tab here is unused: none yet,
 * or one never started and typed into (`quiet` says the window has nothing in its input or console
 * either); a tab in use is the student's own. Otherwise it gets a new tab after the window's tabs.
 * In the order the clients were started.
 * `known`: the endpoints the window shows already, its own among them; they are left as they are.
 * `stopped`: endpoints the feed named that stopped before the window asked what runs (a client
 * the other window cancelled at once): a client among them gets its tab all the same, showing how
 * it was left, as a reload shows it.
 */
export function adoptEndpoints(
  labs: Record<LabKind, LabState>,
  running: readonly EndpointInfo[],
  known: (id: string) => boolean,
  family: Family,
  stopped: readonly StoppedInfo[] = [],
  quiet: (key: string) => boolean = () => true
): Adopted {
  const out = { ...labs }
  const routes: [string, string][] = []
  const clients: (EndpointInfo | StoppedInfo)[] = []
  for (const ep of running) {
    if (known(ep.id)) continue
    const kind = labOf(ep.id)
    switch (roleOf(ep)) {
      case 'server':
        if (!out[kind].run) out[kind] = showingServer(out[kind], ep, family)
        routes.push([ep.id, serverConsole(kind)])
        break
      case 'relay':
        routes.push([ep.id, consoleKey(kind, 'relay')])
        break
      case 'client':
        clients.push(ep)
    }
  }
  for (const ep of stopped) if (!known(ep.id) && ENDPOINT_KINDS[kindOfId(ep.id)!].role === 'client') clients.push(ep)
  // Tabs in the order the clients were started, running or not.
  const runs = new Set(running.map((ep) => ep.id))
  for (const ep of clients.sort((a, b) => endpointNumber(a.id) - endpointNumber(b.id))) {
    const kind = labOf(ep.id)
    const own = clientTabNumber(kind, ep.console)
    const n = own !== undefined && unusedTab(out[kind], own, quiet) ? own : out[kind].nextTab
    const lab = withTabsThrough(out[kind], n, family)
    const key = clientConsole(kind, n)
    const shown = (t: ClientTab): ClientTab => (runs.has(ep.id) ? holding(lab, t, ep as EndpointInfo, family, none) : showingStopped(lab, t, ep, family, none))
    out[kind] = { ...lab, tabs: lab.tabs.map((t) => (t.key === key ? shown(t) : t)) }
    routes.push([ep.id, key])
  }
  return { labs: out, routes }
}

/** An adopted client takes an unused tab: nothing of it kept, it shows the client's fields. */
const none: KeptFields = () => false

/** Tab `n` of the lab is unused: none yet (a new one takes its number), or one the student has not used. */
function unusedTab(lab: LabState, n: number, quiet: (key: string) => boolean): boolean {
  const tab = lab.tabs.find((t) => t.key === clientConsole(lab.kind, n))
  return tab ? untouched(lab.kind, tab) && quiet(tab.key) : n >= lab.nextTab
}

/**
 * The panels whose server stopped (the feed's lifecycle says so: this window or another stopped it)
 * go back to Start; the same object when none did.
 */
export function withStoppedServers(labs: Record<LabKind, LabState>, stopped: readonly string[]): Record<LabKind, LabState> {
  let out = labs
  for (const id of stopped) {
    const shown = LABS.find(({ kind }) => out[kind].run?.id === id)
    if (shown) out = { ...out, [shown.kind]: { ...out[shown.kind], run: undefined } }
  }
  return out
}
