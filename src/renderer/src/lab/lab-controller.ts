// The lab window's controller: what the student has set up in each lab, what each client tab is
// doing, and every action (start and stop a server; connect, send, cancel and close a client)
// with its outcome in the state and the consoles. React reads it through useSyncExternalStore,
// as it reads the event store and the console registry; components render and call its methods.
// It runs without a DOM (the consoles are behind a small interface), so tests drive it against a
// real host.

import type { CallError, EndpointConfig, EndpointInfo, HostInfo, LabApi, StoppedInfo } from '../../../shared/contract'
import { EndpointLives, runningInfo, stoppedInfo, type Life } from '../feed/endpoint-lives'
import { consoleKey, parseConsoleKey, printableLine, serverConsole } from '../../../shared/console-keys'
import { relaysOf, withClientsTo } from '../relay/relay-state'
import { kindInfo, kindOfId, ROLES } from '../../../shared/endpoint-kinds'
import { clientOf } from '../../../shared/kinds'
import type { Family, LabEvent, WindowLineStyle } from '../../../shared/events'
import { said, isSaid, type Said } from '../../../shared/i18n/said'
import type { Words } from '../ui/use-words'
import { INPUT_MAX_CHARS } from '../../../shared/limits'
import type { ConsoleRegistry } from '../consoles/consoles'
import { EventRouter, showWindowLine, type ConsoleWriter } from '../feed/event-router'
import type { EventStore } from '../feed/event-store'
import type { ClientFields, ClientTab, LabKind, LabState, ServerFields } from './lab-state'
import { adoptEndpoints, clientConfig, initialLab, sampleSiteFor, isBusy, labOf, LABS, newTab, phaseOf, PROMPTS, restoreLabs, serverConfig, shownTab, signatureOf, stoppedPhase, withFamily, withServerPort, withStoppedServers, withUrl } from './lab-state'
import { saveViewMemory, type ViewMemory } from './view-memory'
import { keptTabs, rememberedEndpoints, savedTabs, startingTabs } from './tab-memory'
import { windowT } from '../i18n/window-t'

/** What the window shows of the labs; a new object whenever anything in it changes. */
export interface LabView {
  family: Family
  /** The lab on screen. */
  active: LabKind
  labs: Record<LabKind, LabState>
  /** What is wrong with the fields of "tcp:server", "udp:client" …, said next to them (a host's sentence that is no Said yet is text). */
  problems: Partial<Record<string, Words>>
  /** What is typed in each tab's input, kept so that it survives a lab switch. */
  drafts: Record<string, string>
  /**
   * Characters a tab's input was given beyond INPUT_MAX_CHARS (typed, dropped or pasted) and did
   * not keep: said while the input holds the cut sentence. Absent when nothing was cut.
   */
  draftCuts?: Record<string, number>
}

/** A sentence cut to INPUT_MAX_CHARS (never between the two halves of a surrogate pair), and how many characters did not fit. */
export function cutDraft(text: string): { kept: string; over: number } {
  if (text.length <= INPUT_MAX_CHARS) return { kept: text, over: 0 }
  const high = text.charCodeAt(INPUT_MAX_CHARS - 1)
  const end = high >= 0xd800 && high <= 0xdbff ? INPUT_MAX_CHARS - 1 : INPUT_MAX_CHARS
  return { kept: text.slice(0, end), over: text.length - end }
}

/** The consoles as the controller uses them (the xterm registry in the window, a recording double in tests). */
export type ConsoleLines = Pick<ConsoleRegistry, 'write' | 'readLines'>

export interface LabControllerDeps {
  api: LabApi
  info: HostInfo
  consoles: ConsoleLines
  store: EventStore
  /** What this window had before a reload (view-memory.ts). */
  memory: Partial<ViewMemory>
}

/**
 * Why an empty TCP sentence is refused: sending 0 bytes puts nothing on the wire, and both sides
 * would wait. UDP sends it: an empty datagram is still a datagram, and the server answers one.
 */
export const EMPTY_SENTENCE = said('lab:problem.emptySentence')
export const SERVER_STOPPED = said('lab:note.serverStopped')
export const CANCELLED = said('lab:note.cancelled')


/** What the input of a tab holds: what was typed there, or (HTTP) the field of the tab's it is (the URL). */
export function draftOf(view: LabView, kind: LabKind, key: string): string {
  const field = clientOf(kind).input.field
  const value = field ? view.labs[kind].tabs.find((t) => t.key === key)?.fields[field.name] : undefined
  return view.drafts[key] ?? (typeof value === 'string' ? value : '')
}

/** The note beside a tab's input whose sentence was cut, if it was. */
export function draftCutNote(view: LabView, key: string): Said | undefined {
  const over = view.draftCuts?.[key] ?? 0
  return over > 0 ? said('lab:problem.draftCut', { count: over, max: INPUT_MAX_CHARS }) : undefined
}

/** What a failed call says: the window's own Said (its link to the host), or the host's sentence. */
const messageOf = (err: unknown): Words => {
  const own = (err as { said?: unknown } | undefined)?.said
  return isSaid(own) ? own : err instanceof Error ? err.message : String(err)
}

/** Each lab as a new window shows it, with the server fields and client tabs this window had before a reload. */
function startingLabs(info: HostInfo, family: Family, memory: Partial<ViewMemory>): Record<LabKind, LabState> {
  const labs = {} as Record<LabKind, LabState>
  for (const { kind } of LABS) {
    const lab = initialLab(kind, family, info)
    const saved = memory.fields?.[kind]
    labs[kind] = saved ? startingTabs({ ...lab, server: { ...lab.server, ...saved.server } }, saved.tabs, family) : lab
  }
  return labs
}

export class LabController {
  private view: LabView
  private readonly listeners = new Set<() => void>()
  /** Tabs whose wait the student cancelled while a call was under way: its failure is a note, not an error. */
  private readonly cancelled = new Set<string>()
  /**
   * Client endpoints whose tab follows what the feed says they do (their lifecycle's activity):
   * those this window did not start here (before a reload, or in another window), whose calls are
   * made elsewhere and no reply comes here, and those it connected (another window may close them),
   * until this window makes a call of its own on them.
   */
  private readonly followed = new Set<string>()
  /** What runs and what stopped lately, as the feed's lifecycle events say (no list(), no stopped()). */
  private readonly lives = new EndpointLives()
  /**
   * Starts of this window's own whose reply has not come: their `started` may come first, from an id
   * this window does not know yet, and only the reply says they are its own. Adoption waits for them.
   */
  private ownStarts = 0
  /** Endpoints started elsewhere whose adoption waits for the own starts under way. */
  private held: string[] = []
  private readonly api: LabApi
  private readonly consoles: ConsoleLines
  private readonly session: string
  /** The shipped sample site (one folder per language in it). */
  private readonly sampleSite: string
  private readonly remembersLab: boolean
  /** The IPv4/IPv6 switch as the student left it before a reload: the restore keeps it. */
  private readonly remembersFamily: boolean
  /** The tab each lab showed before a reload: the window comes back on it once the restore has made it. */
  private readonly rememberedTabs: ViewMemory['activeTabs']
  /** endpoint id → the client tab this window showed it in before a reload. */
  private readonly rememberedEndpoints: ReadonlyMap<string, string>
  /** The client tabs whose fields this window kept from before a reload (console keys). */
  private readonly keptFields: ReadonlySet<string>
  /** The consoles that have shown a line: a tab whose console is empty may take another window's client. */
  private readonly spoken = new Set<string>()
  /** The consoles as the router and this window's own lines write them: `spoken` notes each. */
  private readonly written: ConsoleWriter
  private readonly router: EventRouter

  constructor({ api, info, consoles, store, memory }: LabControllerDeps) {
    this.api = api
    this.consoles = consoles
    this.session = info.session
    this.sampleSite = info.sampleSite
    this.remembersLab = memory.active !== undefined
    this.remembersFamily = memory.family !== undefined
    this.rememberedTabs = memory.activeTabs ?? {}
    this.rememberedEndpoints = rememberedEndpoints(memory)
    this.keptFields = keptTabs(memory)
    const family = memory.family ?? 'IPv4'
    // The tabs remembered are back at once: the window shows the one it showed before the host answers.
    const labs = withRememberedTabs(startingLabs(info, family, memory), this.rememberedTabs)
    this.view = { family, active: memory.active ?? 'tcp', labs, problems: {}, drafts: memory.drafts ?? {} }
    this.written = { write: (key, text, style) => (this.spoken.add(key), consoles.write(key, text, style)) }
    this.router = new EventRouter(store, this.written, this.placeOf, windowT)
    this.readInput()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): LabView => this.view

  /** The console key of an endpoint, if this window shows it. */
  keyOf = (id: string): string | undefined => this.router.keyOf(id)

  /**
   * Follows the lab from its event feed: the host starts it with what it still holds (the replay:
   * the lifecycle of every endpoint that runs or stopped lately, then its ring), then goes on live.
   * What runs gets its panel or tab back (after a reload, or in a second window), what other windows
   * start is adopted, and what stops shows stopped. Returns the function that stops following.
   */
  open(): () => void {
    return this.api.onEvents((batch, replay) => this.take(batch, replay))
  }

  /**
   * One batch of the feed: the lifecycle first (so that a new endpoint's lines find its panel or
   * tab), then every event to the log and the consoles.
   */
  private take(batch: readonly LabEvent[], replay: boolean): void {
    if (replay) return this.takeInOrder(batch, true)
    // Live, in the feed's order: what a batch holds before an endpoint's start is shown before the
    // start is adopted (a tab with a line of its own is no longer free to take another window's
    // client), whatever the batching; what comes after it finds its panel or tab.
    let from = 0
    for (let i = 0; i < batch.length; i++) {
      if (batch[i].kind !== 'lifecycle' || i === from) continue
      this.takeInOrder(batch.slice(from, i), false)
      from = i
    }
    this.takeInOrder(from === 0 ? batch : batch.slice(from), false)
  }

  /** A part of a batch: its lifecycle first, then every event to the log and the consoles. */
  private takeInOrder(batch: readonly LabEvent[], replay: boolean): void {
    const changed = this.lives.apply(batch)
    const fresh = changed.filter((id) => !this.router.has(id) && labOf(id) in this.view.labs)
    for (const id of changed) if (this.router.has(id)) this.showLife(id)
    if (fresh.length > 0) {
      // One of them may be this window's own, whose reply is on its way: the adoption waits for it.
      if (this.ownStarts > 0) this.held.push(...fresh)
      else if (replay) this.restore(fresh)
      else this.adopt(fresh)
    }
    if (replay) this.routeStopped(batch)
    this.router.deliver(batch as LabEvent[])
  }

  /**
   * Gives the endpoints a window (re)opening finds in the replay their panel or tab, applied to the
   * state as it is now (fields typed meanwhile stay): running servers their panel, running clients
   * their tab, stopped clients theirs too, and each lab shows the tab it showed before the reload.
   */
  private restore(ids: readonly string[]): void {
    const now = this.view
    // A client this window showed goes back to the tab it showed it in (another window's client
    // has a tab of another number here); the others to the tab their console key names.
    const running = this.inRememberedTabs(this.infos(ids, false).map(runningInfo))
    const stopped = this.inRememberedTabs(this.infos(ids, true).map(stoppedInfo))
    // A tab kept from before the reload shows its fields as the student left them, unless its client holds a connection.
    const restored = restoreLabs(now.labs, running, now.family, stopped, (key) => this.keptFields.has(key), this.remembersFamily)
    // A window that remembers nothing opens on the lab whose server runs (the newest, if several).
    const newestServer = running.filter((ep) => kindInfo(ep.config.kind).role === 'server').at(-1)
    const active = !this.remembersLab && newestServer ? labOf(newestServer.id) : now.active
    this.commit({ ...now, labs: withRememberedTabs(restored.labs, this.rememberedTabs), family: restored.family, active })
    this.readInput()
    this.routeRunning(restored.routes)
    this.showRelays(running)
    for (const id of ids) if (!this.router.has(id)) this.router.route(id, this.stoppedConsole(id))
  }

  /** What the feed says of those of `ids` that run (or, `stopped`, that stopped), in start order. */
  private infos(ids: readonly string[], stopped: boolean): Life[] {
    return ids.map((id) => this.lives.get(id)).filter((life): life is Life => life !== undefined && (life.stopped !== undefined) === stopped)
  }

  /** The endpoints with the console this window showed them in before a reload, those first (they keep their tab). */
  private inRememberedTabs<T extends { id: string; console?: string }>(endpoints: readonly T[]): T[] {
    const remembered = endpoints.filter((ep) => this.rememberedEndpoints.has(ep.id)).map((ep) => ({ ...ep, console: this.rememberedEndpoints.get(ep.id) }))
    return [...remembered, ...endpoints.filter((ep) => !this.rememberedEndpoints.has(ep.id))]
  }

  /** Routes running endpoints to their panel or tab; each client tab follows its endpoint. */
  private routeRunning(routes: readonly [string, string][]): void {
    for (const [id, key] of routes) {
      this.router.route(id, key)
      const kind = labOf(id)
      // A client this window did not start here (before a reload, or in another window) follows
      // what the host says it does, until this window makes a call of its own on it: its calls
      // are made elsewhere, and no reply comes here to end them.
      if (this.tabOf(kind, key)?.endpointId === id) this.followed.add(id)
    }
  }

  /**
   * Adopts what other windows started (and this one does not show yet), as a reload would: an
   * endpoint that stopped already (another window's client, cancelled at once) still gets its tab,
   * showing how it was left, and a stopped server's lines go to its lab's server console.
   */
  private adopt(ids: readonly string[]): void {
    this.adoptRunning(this.infos(ids, false).map(runningInfo), this.infos(ids, true).map(stoppedInfo))
    for (const id of ids) if (!this.router.has(id)) this.router.route(id, this.stoppedConsole(id))
  }

  /** Applies an adoption to the state as it is now: the student's fields, lab and tabs stay. */
  private adoptRunning(running: readonly EndpointInfo[], stopped: readonly StoppedInfo[]): void {
    const now = this.view
    // A tab with nothing in its input or console may take the client of its number.
    const quiet = (key: string): boolean => !now.drafts[key] && !this.spoken.has(key)
    const adopted = adoptEndpoints(now.labs, running, (id) => this.router.has(id), now.family, stopped, quiet)
    if (adopted.routes.length > 0) {
      this.commit({ ...now, labs: adopted.labs })
      this.readInput()
      this.routeRunning(adopted.routes)
    }
    this.showRelays(running)
  }

  /**
   * What the feed says an endpoint this window shows did: a server that stopped (another window's
   * Stop, or this one's) leaves its panel, which goes back to Start; a client's tab follows it.
   */
  private showLife(id: string): void {
    const life = this.lives.get(id)
    if (!life) return
    // A server (or any endpoint of a role with one console per lab) shows in its lab's panel; a client in its tab.
    if (!ROLES[kindInfo(life.config.kind).role].numbered) {
      if (!life.stopped) return
      // A relay that stopped (another window's Stop): the clients go straight to the server again.
      const relayLab = labOf(id)
      if (this.view.labs[relayLab].relay?.id === id) return this.update(relayLab, (lab) => withClientsTo({ ...lab, relay: undefined }, lab.server.port, this.view.family))
      const labs = withStoppedServers(this.view.labs, [id])
      if (labs === this.view.labs) return
      // Its fields, which said what it ran with, follow the toggle again.
      for (const { kind } of LABS) if (labs[kind] !== this.view.labs[kind]) labs[kind] = withFamily(labs[kind], this.view.family)
      this.commit({ ...this.view, labs })
      return
    }
    const kind = labOf(id)
    const tab = this.view.labs[kind].tabs.find((t) => t.endpointId === id)
    if (!tab) return
    const followed = this.followed.has(id)
    // A call of this window's own under way ends by its reply (or its Cancel), not by the feed.
    if (!followed && (!life.stopped || isBusy(tab))) return
    // Gone (another window cancelled or closed it): the tab lets it go, so its next call starts a new one.
    const next = life.stopped ? { phase: stoppedPhase(stoppedInfo(life)), endpointId: undefined, signature: undefined } : phaseOf(runningInfo(life))
    // An HTTP client's URL comes with each fetch: the tab shows the one fetched last, unless the student typed here.
    const fields = this.view.drafts[tab.key] === undefined ? withUrl(tab.fields, life.url, this.view.family, this.view.labs[kind].server.port) : tab.fields
    this.setTab(kind, tab.key, { ...next, fields })
    if (life.stopped) this.followed.delete(id)
  }

  /** This window takes the tab's endpoint over (a call of its own, a Close): it no longer follows it. */
  private unfollow(kind: LabKind, key: string): boolean {
    const id = this.tabOf(kind, key)?.endpointId
    return id !== undefined && this.followed.delete(id)
  }

  /**
   * Replayed lines of endpoints stopped too long ago for the host to keep their lifecycle go where
   * a stopped endpoint's lines go.
   */
  private routeStopped(batch: readonly LabEvent[]): void {
    for (const e of batch) {
      if (!e.endpoint || this.router.has(e.endpoint) || this.lives.get(e.endpoint) || this.held.includes(e.endpoint)) continue
      if (!(labOf(e.endpoint) in this.view.labs)) continue
      this.router.route(e.endpoint, this.stoppedConsole(e.endpoint))
    }
  }

  /**
   * Where the lines of a stopped endpoint show: its lab's server console, or the client tab it spoke
   * in (the one this window showed it in before a reload, or its console key), or else the lab's
   * first client tab (stopped too long ago for the host to say, or started without a console).
   */
  private stoppedConsole(id: string): string {
    const lab = labOf(id)
    // A server or a relay speaks in its lab's one console of its role; a client in its tab.
    const role = kindInfo(kindOfId(id)!).role
    if (!ROLES[role].numbered) return consoleKey(lab, role)
    const key = this.rememberedEndpoints.get(id) ?? this.lives.get(id)?.console
    return key && this.tabOf(lab, key) ? key : this.view.labs[lab].tabs[0].key
  }

  // ---- fields and tabs -------------------------------------------------------------------

  setActive(kind: LabKind): void {
    this.commit({ ...this.view, active: kind })
  }

  /** The IPv4/IPv6 toggle: every field the student has not typed into follows it. */
  setFamily(family: Family): void {
    const labs = { ...this.view.labs }
    for (const { kind } of LABS) labs[kind] = withFamily(labs[kind], family)
    this.commit({ ...this.view, family, labs })
  }

  /** The window's language changed (or was chosen at start): a stopped HTTP server's sample site becomes that language's. */
  followLanguage(lang: string): void {
    const lab = this.view.labs.http
    const root = sampleSiteFor(lab, this.sampleSite, lang)
    if (root !== lab.server.root) this.changeServer('http', { root })
  }

  changeServer(kind: LabKind, fields: Partial<ServerFields>): void {
    this.update(kind, (lab) => ({ ...lab, server: { ...lab.server, ...fields } }))
  }

  /** The server's port: unedited client fields follow it. */
  setServerPort(kind: LabKind, port: string): void {
    this.update(kind, (lab) => withServerPort(lab, port, this.view.family))
  }

  /** The fields of client tab `key`; the other tabs keep theirs. */
  changeClient(kind: LabKind, key: string, fields: Partial<ClientFields>): void {
    this.update(kind, (lab) => ({ ...lab, tabs: lab.tabs.map((t) => (t.key === key ? { ...t, fields: { ...t.fields, ...fields } } : t)) }))
  }

  selectTab(kind: LabKind, key: string): void {
    this.update(kind, (lab) => ({ ...lab, activeTab: key }))
  }

  addTab(kind: LabKind): void {
    this.update(kind, (lab) => {
      // A new client starts from the fields of the tab on screen.
      const tab = newTab(kind, lab.nextTab, shownTab(lab).fields)
      return { ...lab, tabs: [...lab.tabs, tab], activeTab: tab.key, nextTab: lab.nextTab + 1 }
    })
    this.readInput()
  }

  /** What is typed in a tab's input; in the HTTP lab it is the URL field too. */
  setDraft(kind: LabKind, key: string, text: string): void {
    // The input takes whatever it is given (no maxLength, which drops the rest without a word): cut here, and say by how much.
    const { kept, over } = cutDraft(text)
    const cuts = { ...this.view.draftCuts }
    // Typed on at the limit, key after key: each one more that did not fit.
    const before = this.view.drafts[key]
    if (over > 0) cuts[key] = over + (before === kept ? (cuts[key] ?? 0) : 0)
    else if (kept.length < INPUT_MAX_CHARS) delete cuts[key]
    this.commit({ ...this.view, drafts: { ...this.view.drafts, [key]: kept }, draftCuts: cuts })
    const field = clientOf(kind).input.field
    if (field) this.changeClient(kind, key, { [field.name]: kept, [field.edited]: true })
  }

  async chooseFolder(kind: LabKind): Promise<void> {
    const folder = await this.api.chooseFolder().catch(() => null)
    if (folder) this.changeServer(kind, { root: folder })
  }

  // ---- actions ---------------------------------------------------------------------------

  async startServer(kind: LabKind): Promise<void> {
    const where = `${kind}:server`
    const checked = serverConfig(this.view.labs[kind])
    if ('problem' in checked) return this.refuse(where, serverConsole(kind), checked.problem)
    this.setProblem(where)
    this.update(kind, (lab) => ({ ...lab, serverBusy: true }))
    try {
      const ep = await this.startOwn(checked.config, serverConsole(kind))
      this.update(kind, (lab) => ({ ...lab, run: { id: ep.id, local: ep.local } }))
    } catch (err) {
      this.failed(serverConsole(kind), err)
    } finally {
      this.update(kind, (lab) => ({ ...lab, serverBusy: false }))
    }
  }

  async stopServer(kind: LabKind): Promise<void> {
    const run = this.view.labs[kind].run
    if (!run) return
    this.update(kind, (lab) => ({ ...lab, serverBusy: true }))
    try {
      await this.api.stop(run.id)
      void this.say(serverConsole(kind), 'note', SERVER_STOPPED, run.id)
    } catch (err) {
      this.failed(serverConsole(kind), err, run.id)
    } finally {
      this.update(kind, (lab) => withFamily({ ...lab, run: undefined, serverBusy: false }, this.view.family))
    }
  }

  // ---- the relay between the clients and the server (relay/RelayPanel.tsx) ---------------

  /** Starts the lab's relay: the client tabs whose port the student did not type then reach the server through it. */
  async startRelay(kind: LabKind, config: EndpointConfig): Promise<void> {
    const key = consoleKey(kind, 'relay')
    this.setProblem(key)
    try {
      const ep = await this.startOwn(config, key)
      this.update(kind, (lab) => withClientsTo({ ...lab, relay: { id: ep.id, local: ep.local } }, String(ep.local?.port ?? lab.server.port), this.view.family))
    } catch (err) {
      this.failed(key, err)
    }
  }

  /** Stops the relay: the clients go straight to the server again. */
  async stopRelay(kind: LabKind): Promise<void> {
    const relay = this.view.labs[kind].relay
    if (!relay) return
    try {
      await this.api.stop(relay.id)
    } catch (err) {
      this.failed(consoleKey(kind, 'relay'), err, relay.id)
    } finally {
      this.update(kind, (lab) => withClientsTo({ ...lab, relay: undefined }, lab.server.port, this.view.family))
    }
  }

  /** A relay that runs (started before a reload, or by another window) shows in its lab's panel. */
  private showRelays(running: readonly EndpointInfo[]): void {
    for (const [kind, relay] of relaysOf(running)) {
      if (this.view.labs[kind].relay?.id === relay.id) continue
      this.router.route(relay.id, consoleKey(kind, 'relay'))
      this.update(kind, (lab) => withClientsTo({ ...lab, relay }, String(relay.local?.port ?? lab.server.port), this.view.family))
    }
  }

  async connect(kind: LabKind, key: string): Promise<void> {
    this.unfollow(kind, key)
    this.setTab(kind, key, { phase: 'connecting' })
    let id: string | null = null
    try {
      id = await this.clientOf(kind, key)
      if (!id) return this.setTab(kind, key, { phase: 'idle' })
      await this.api.connect(id)
      this.cancelled.delete(key)
      this.setTab(kind, key, { phase: 'connected' })
      // Another window may close it (or the server drop it): the tab follows what the host says until this window calls again.
      this.followed.add(id)
    } catch (err) {
      if (this.endedByCancel(kind, key, id)) return
      this.failed(key, err, id)
      this.setTab(kind, key, { phase: 'idle' })
    }
  }

  /** Sends what the tab's input holds (the Send button); the input is emptied for the next sentence. */
  async submit(kind: LabKind, key: string): Promise<void> {
    const line = draftOf(this.view, kind, key)
    if (!clientOf(kind).input.field && line !== '') this.commit({ ...this.view, drafts: { ...this.view.drafts, [key]: '' }, draftCuts: { ...this.view.draftCuts, [key]: 0 } })
    await this.send(kind, key, line)
  }

  /** One exchange of a client: a sentence (TCP, UDP) or a URL (HTTP). */
  async send(kind: LabKind, key: string, line: string): Promise<void> {
    const tab = this.tabOf(kind, key)
    if (!tab || isBusy(tab)) return
    if (clientOf(kind).input.refusesEmpty && line === '') return this.refuse(`${kind}:client`, key, EMPTY_SENTENCE, tab.endpointId)
    this.unfollow(kind, key)
    this.setTab(kind, key, { phase: 'waiting' })
    let id: string | null = null
    try {
      id = await this.clientOf(kind, key)
      if (!id) return this.setTab(kind, key, { phase: 'idle' })
      // Said once the client exists and before anything is sent: it comes before what the exchange
      // prints, and it names the client, so that a window that adopts the client shows it in its tab.
      // A program that reads no line (the pinger) has nothing typed to echo.
      if (clientOf(kind).input.line !== false) await this.say(key, 'input', line, id)
      // Cancelled while its endpoint was being started: that endpoint goes too.
      if (this.cancelled.has(key)) {
        await this.api.stop(id).catch(() => undefined)
        throw new Error('cancelled')
      }
      const result = await this.api.send(id, line)
      this.cancelled.delete(key)
      if (this.tabOf(kind, key)?.fields.session === true) {
        // A session stays connected for the next sentence; if the server closed meanwhile, the host says so.
        this.setTab(kind, key, { phase: 'connected', received: result.length })
        this.followed.add(id)
        this.showLife(id)
      } else this.setTab(kind, key, { phase: 'done', received: result.length })
    } catch (err) {
      if (this.endedByCancel(kind, key, id)) return
      this.failed(key, err, id)
      this.setTab(kind, key, { phase: 'failed' })
    }
  }

  /** Closes one connection of the lab's running server (Close in its list of open connections), as its close() would. */
  async closeConnection(kind: LabKind, conn: number): Promise<void> {
    const id = this.view.labs[kind].run?.id
    if (!id) return
    await this.api.closeConnection(id, conn).catch((err) => this.failed(serverConsole(kind), err, id))
  }

  /** Ends a client's wait (or its open connection): its endpoint stops, which closes its socket and frees the server. */
  async cancel(kind: LabKind, key: string): Promise<void> {
    const tab = this.tabOf(kind, key)
    if (!tab) return
    const busy = isBusy(tab)
    // A call made before a reload or by another window: no reply comes here to end the wait.
    const elsewhere = this.unfollow(kind, key)
    if (busy && !elsewhere) this.cancelled.add(key)
    this.setTab(kind, key, { endpointId: undefined, signature: undefined, ...(busy ? {} : { phase: 'closed' as const }) })
    if (tab.endpointId) await this.api.stop(tab.endpointId).catch((err) => this.failed(key, err, tab.endpointId))
    if (busy && elsewhere) {
      void this.say(key, 'note', CANCELLED, tab.endpointId)
      this.setTab(kind, key, { phase: 'cancelled' })
    }
  }

  // ---- inner workings --------------------------------------------------------------------

  /**
   * A line of this window's own in console `key`, sent through the host: it comes back as an event
   * (here and in every other window, and after a reload) and shows then. Only if the host cannot
   * take it is it shown here directly.
   */
  private say(key: string, style: WindowLineStyle, what: Words, endpoint?: string | null): Promise<void> {
    // A note or an error travels as its Said, and each window words it in its language; what the student typed is text.
    const line = typeof what === 'string' ? printableLine(what, INPUT_MAX_CHARS) : what
    const words = typeof line === 'string' ? { text: line } : { said: line }
    return this.api.writeConsole({ console: key, style, ...words, ...(endpoint ? { endpoint } : {}) }).catch(() => showWindowLine(this.written, key, style, line))
  }

  /** Input refused before anything was sent: said next to the fields and in the console. */
  private refuse(where: string, key: string, problem: Words, endpoint?: string): void {
    this.setProblem(where, problem)
    void this.say(key, 'error', problem, endpoint)
  }

  /**
   * A failed call, said once. When the host reported it as an error event of the endpoint (the
   * reply says so), that event shows in this console through the router, whether it came before
   * the reply or comes after it: nothing more to say. Otherwise (a server that could not start, a
   * failed stop) no event says it, and this window does.
   */
  private failed(key: string, err: unknown, endpoint?: string | null): void {
    if ((err as CallError | undefined)?.reported === true) return
    void this.say(key, 'error', messageOf(err), endpoint)
  }

  /** The wait ended by the student's Cancel: a note, and the tab is ready for a new try. */
  private endedByCancel(kind: LabKind, key: string, endpoint: string | null): boolean {
    if (!this.cancelled.delete(key)) return false
    void this.say(key, 'note', CANCELLED, endpoint)
    this.setTab(kind, key, { phase: 'cancelled', endpointId: undefined, signature: undefined })
    return true
  }

  /** The client endpoint of a tab, started (again) if its settings changed; null if the fields are refused. */
  private async clientOf(kind: LabKind, key: string): Promise<string | null> {
    const checked = clientConfig(kind, this.tabOf(kind, key)!.fields, this.view.family)
    if ('problem' in checked) {
      this.refuse(`${kind}:client`, key, checked.problem, this.tabOf(kind, key)?.endpointId)
      return null
    }
    this.setProblem(`${kind}:client`)
    const signature = signatureOf(checked.config)
    const tab = this.tabOf(kind, key)!
    if (tab.endpointId && tab.signature === signature) return tab.endpointId
    if (tab.endpointId) await this.api.stop(tab.endpointId).catch(() => undefined)
    const ep = await this.startOwn(checked.config, key)
    this.setTab(kind, key, { endpointId: ep.id, signature })
    return ep.id
  }

  /**
   * Starts an endpoint of this window's own and routes it to console `key` as its reply comes,
   * before any adoption can take it for another window's.
   */
  private async startOwn(config: EndpointConfig, key: string): Promise<EndpointInfo> {
    this.ownStarts++
    try {
      const ep = await this.api.start(config, key)
      this.router.route(ep.id, key)
      return ep
    } finally {
      this.ownStarts--
      // What other windows started meanwhile: adopted now that this window's own are routed.
      if (this.ownStarts === 0 && this.held.length > 0) {
        const held = this.held.filter((id) => !this.router.has(id))
        this.held = []
        if (held.length > 0) this.adopt(held)
      }
    }
  }

  /**
   * Where this window shows a line another window (or this one before a reload) wrote to console
   * `key`: there if this window has that console, else in the lab's first client tab.
   */
  private placeOf = (key: string): string => {
    const place = parseConsoleKey(key)
    if (!place || !ROLES[place.role].numbered) return key
    const lab = this.view.labs[place.lab]
    return lab.tabs.some((t) => t.key === key) ? key : lab.tabs[0].key
  }

  /** Every client console reads lines typed into it, as the course's client reads stdin. */
  private readInput(): void {
    for (const { kind } of LABS) {
      for (const tab of this.view.labs[kind].tabs) this.consoles.readLines(tab.key, PROMPTS[kind], (line) => void this.send(kind, tab.key, line))
    }
  }

  private tabOf(kind: LabKind, key: string): ClientTab | undefined {
    return this.view.labs[kind].tabs.find((t) => t.key === key)
  }

  private setTab(kind: LabKind, key: string, change: Partial<ClientTab>): void {
    this.update(kind, (lab) => ({ ...lab, tabs: lab.tabs.map((t) => (t.key === key ? { ...t, ...change } : t)) }))
  }

  /** Says (or, without `problem`, clears) what is wrong with the fields of `where`. */
  private setProblem(where: string, problem?: Words): void {
    if (this.view.problems[where] === problem) return
    this.commit({ ...this.view, problems: { ...this.view.problems, [where]: problem } })
  }

  private update(kind: LabKind, change: (lab: LabState) => LabState): void {
    this.commit({ ...this.view, labs: { ...this.view.labs, [kind]: change(this.view.labs[kind]) } })
  }

  private commit(next: LabView): void {
    const before = this.view
    this.view = next
    // What a reload must bring back: the lab on screen, the fields as typed, the sentences not sent.
    if (next.labs !== before.labs || next.active !== before.active || next.family !== before.family || next.drafts !== before.drafts) this.remember()
    for (const listener of this.listeners) listener()
  }

  private remember(): void {
    const { labs, active, family, drafts } = this.view
    const fields: ViewMemory['fields'] = {}
    const activeTabs: ViewMemory['activeTabs'] = {}
    for (const { kind } of LABS) {
      fields[kind] = { server: labs[kind].server, tabs: savedTabs(labs[kind]) }
      activeTabs[kind] = labs[kind].activeTab
    }
    saveViewMemory(this.session, { active, family, fields, activeTabs, drafts })
  }
}

/** Each lab shows the tab it showed before a reload, if that tab is back. */
function withRememberedTabs(labs: Record<LabKind, LabState>, remembered: ViewMemory['activeTabs']): Record<LabKind, LabState> {
  const out = { ...labs }
  for (const { kind } of LABS) {
    const key = remembered[kind]
    if (key && out[kind].tabs.some((t) => t.key === key)) out[kind] = { ...out[kind], activeTab: key }
  }
  return out
}
