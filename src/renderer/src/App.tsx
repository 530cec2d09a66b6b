// The lab window: pick a lab, run its server and clients, watch consoles and the packet log.
// All networking happens behind the LabApi; this component only asks and shows.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { HostInfo, LabApi } from '../../shared/contract'
import type { Family, LabEvent } from '../../shared/events'
import { ConsoleRegistry } from './consoles'
import { EventStore } from './event-store'
import type { ClientFields, ClientTab, LabKind, LabState, ServerFields } from './lab-state'
import { clientConfig, initialLab, labOf, newTab, PROMPTS, restoreLabs, serverConfig, serverConsole, signatureOf, withFamily, withServerPort } from './lab-state'
import { ClientPanel } from './components/ClientPanel'
import { Header } from './components/Header'
import { PacketLog } from './components/PacketLog'
import { ServerPanel } from './components/ServerPanel'
import { Splitter } from './components/Splitter'
import { loadLogSize, loadTheme, loadZoom, saveLogSize, saveTheme, saveZoom, stepZoom, zoomDirection, type Theme } from './zoom'

type Labs = Record<LabKind, LabState>
type Problems = Partial<Record<string, string>>

/** Events of an endpoint whose console is not known yet (its start reply is still on the way). */
const MAX_ORPHANS = 2000

export function App({ api, info }: { api: LabApi; info: HostInfo }): React.JSX.Element {
  const registry = useMemo(() => new ConsoleRegistry(), [])
  const store = useMemo(() => new EventStore(), [])
  const [family, setFamily] = useState<Family>('IPv4')
  const [active, setActive] = useState<LabKind>('tcp')
  const [labs, setLabs] = useState<Labs>(() => ({ tcp: initialLab('tcp', 'IPv4', info), udp: initialLab('udp', 'IPv4', info), http: initialLab('http', 'IPv4', info) }))
  const [problems, setProblems] = useState<Problems>({})
  const [zoom, setZoom] = useState(loadZoom)
  const [theme, setTheme] = useState<Theme>(loadTheme)
  const [logSize, setLogSize] = useState(loadLogSize)
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const [endpoints, setEndpoints] = useState<string[]>([])
  const labsRef = useRef(labs)
  labsRef.current = labs
  const familyRef = useRef(family)
  familyRef.current = family
  /** endpoint id → console key */
  const routes = useRef(new Map<string, string>())
  const orphans = useRef<LabEvent[]>([])

  const show = useCallback(
    (key: string, e: LabEvent): void => {
      if (e.kind === 'console') registry.write(key, e.info)
      else if (e.kind === 'error') registry.write(key, `ERROR: ${e.info}`, 'error')
      // A server says "Connection reset by ..." itself; a client's reset is its failure.
      else if (e.kind === 'reset' && e.role === 'client') registry.write(key, `ERROR: ${e.info}`, 'error')
    },
    [registry]
  )

  const route = useCallback(
    (id: string, key: string): void => {
      routes.current.set(id, key)
      setEndpoints((list) => (list.includes(id) ? list : [...list, id]))
      const waiting = orphans.current.filter((e) => e.endpoint === id)
      if (waiting.length === 0) return
      orphans.current = orphans.current.filter((e) => e.endpoint !== id)
      for (const e of waiting) show(key, e)
    },
    [show]
  )

  const deliver = useCallback(
    (input: LabEvent[]): void => {
      const batch = store.add(input)
      for (const e of batch) {
        if (e.kind !== 'console' && e.kind !== 'error' && e.kind !== 'reset') continue
        const key = routes.current.get(e.endpoint)
        if (key) show(key, e)
        else if (orphans.current.length < MAX_ORPHANS) orphans.current.push(e)
      }
    },
    [store, show]
  )

  // Subscribe once: replay what the host still holds, then follow the stream.
  useEffect(() => {
    // Read-only views for the benchmark and the e2e tests: counters, and a console's whole text.
    Object.assign(window, { __socklabStats: store.stats, __socklabConsoleText: (key: string) => registry.text(key) })
    let stop = (): void => {}
    let cancelled = false
    void (async () => {
      const [running, history] = await Promise.all([api.list(), api.history()])
      if (cancelled) return
      const restored = restoreLabs(labsRef.current, running, familyRef.current)
      setLabs(restored.labs)
      setFamily(restored.family)
      for (const [id, key] of restored.routes) route(id, key)
      // Endpoints stopped before the reload: their lines go back where they were shown.
      for (const e of history) {
        if (routes.current.has(e.endpoint)) continue
        const lab = labOf(e.endpoint)
        if (!(lab in restored.labs)) continue
        route(e.endpoint, e.role === 'server' ? serverConsole(lab) : restored.labs[lab].tabs[0].key)
      }
      deliver(history)
      stop = api.onEvents(deliver)
    })()
    return () => {
      cancelled = true
      stop()
    }
  }, [api, store, registry, deliver, route])

  useEffect(() => {
    document.documentElement.style.fontSize = `${16 * zoom}px`
    registry.setFontSize(Math.round(15 * zoom))
    saveZoom(zoom)
  }, [zoom, registry])

  useEffect(() => {
    document.documentElement.dataset.theme = theme
    registry.setTheme(theme)
    saveTheme(theme)
  }, [theme, registry])

  useEffect(() => saveLogSize(logSize), [logSize])

  const onZoom = useCallback((direction: 1 | -1 | 0) => setZoom((z) => (direction === 0 ? 1 : stepZoom(z, direction))), [])
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const direction = zoomDirection(e)
      if (direction === null) return
      e.preventDefault()
      onZoom(direction)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [onZoom])

  const update = useCallback((kind: LabKind, change: (lab: LabState) => LabState) => setLabs((all) => ({ ...all, [kind]: change(all[kind]) })), [])
  const updateTab = (kind: LabKind, key: string, change: Partial<ClientTab>): void =>
    update(kind, (lab) => ({ ...lab, tabs: lab.tabs.map((t) => (t.key === key ? { ...t, ...change } : t)) }))
  const setProblem = (where: string, problem?: string): void => setProblems((p) => ({ ...p, [where]: problem }))

  /** Input refused before anything was sent: said next to the fields and in the console. */
  const refuse = (where: string, key: string, problem: string): void => {
    setProblem(where, problem)
    registry.write(key, `ERROR: ${problem}`, 'error')
  }

  /** A failed call: said once in the console where it happened (the host may have said it already). */
  const fail = (key: string, err: unknown): void => {
    const line = `ERROR: ${err instanceof Error ? err.message : String(err)}`
    setTimeout(() => {
      if (registry.lastError(key) !== line) registry.write(key, line, 'error')
    }, 150)
  }

  const startServer = async (kind: LabKind): Promise<void> => {
    const checked = serverConfig(labsRef.current[kind])
    if ('problem' in checked) return refuse(`${kind}:server`, serverConsole(kind), checked.problem)
    setProblem(`${kind}:server`)
    update(kind, (lab) => ({ ...lab, serverBusy: true }))
    try {
      const ep = await api.start(checked.config)
      route(ep.id, serverConsole(kind))
      update(kind, (lab) => ({ ...lab, run: { id: ep.id, local: ep.local } }))
    } catch (err) {
      fail(serverConsole(kind), err)
    } finally {
      update(kind, (lab) => ({ ...lab, serverBusy: false }))
    }
  }

  const stopServer = async (kind: LabKind): Promise<void> => {
    const run = labsRef.current[kind].run
    if (!run) return
    update(kind, (lab) => ({ ...lab, serverBusy: true }))
    try {
      await api.stop(run.id)
      registry.write(serverConsole(kind), 'Server stopped: the port is free again.', 'note')
    } catch (err) {
      fail(serverConsole(kind), err)
    } finally {
      update(kind, (lab) => ({ ...lab, run: undefined, serverBusy: false }))
    }
  }

  /** The client endpoint of a tab, started (again) if its settings changed. */
  const clientOf = async (kind: LabKind, key: string): Promise<string | null> => {
    const lab = labsRef.current[kind]
    const checked = clientConfig(lab, familyRef.current)
    if ('problem' in checked) {
      refuse(`${kind}:client`, key, checked.problem)
      return null
    }
    setProblem(`${kind}:client`)
    const signature = signatureOf(checked.config)
    const tab = lab.tabs.find((t) => t.key === key)!
    if (tab.endpointId && tab.signature === signature) return tab.endpointId
    if (tab.endpointId) await api.stop(tab.endpointId).catch(() => undefined)
    const ep = await api.start(checked.config)
    route(ep.id, key)
    updateTab(kind, key, { endpointId: ep.id, signature })
    return ep.id
  }

  const connect = async (kind: LabKind, key: string): Promise<void> => {
    updateTab(kind, key, { busy: true, status: 'connecting…' })
    try {
      const id = await clientOf(kind, key)
      if (!id) return updateTab(kind, key, { busy: false, status: 'not connected' })
      await api.connect(id)
      updateTab(kind, key, { busy: false, status: 'connected: type a sentence and send it' })
    } catch (err) {
      fail(key, err)
      updateTab(kind, key, { busy: false, status: 'not connected' })
    }
  }

  const send = async (kind: LabKind, key: string, line: string): Promise<void> => {
    const tab = labsRef.current[kind].tabs.find((t) => t.key === key)
    if (!tab || tab.busy) return
    registry.echoInput(key, line)
    updateTab(kind, key, { busy: true, status: kind === 'udp' ? 'waiting for the reply…' : 'waiting for the server…' })
    try {
      const id = await clientOf(kind, key)
      if (!id) return updateTab(kind, key, { busy: false, status: 'not connected' })
      const result = await api.send(id, line)
      updateTab(kind, key, { busy: false, status: `done: ${result.length} bytes received` })
    } catch (err) {
      fail(key, err)
      updateTab(kind, key, { busy: false, status: 'failed' })
    }
  }

  // Every client console reads lines typed into it, as the course's client reads stdin.
  const sendRef = useRef(send)
  sendRef.current = send
  useEffect(() => {
    for (const lab of Object.values(labs)) {
      for (const tab of lab.tabs) registry.readLines(tab.key, PROMPTS[lab.kind], (line) => void sendRef.current(lab.kind, tab.key, line))
    }
  }, [labs, registry])

  const chooseFolder = async (kind: LabKind): Promise<void> => {
    const folder = await api.chooseFolder().catch(() => null)
    if (folder) update(kind, (lab) => ({ ...lab, server: { ...lab.server, root: folder } }))
  }

  const onFamily = (f: Family): void => {
    setFamily(f)
    setLabs((all) => ({ tcp: withFamily(all.tcp, f), udp: withFamily(all.udp, f), http: withFamily(all.http, f) }))
  }

  const lab = labs[active]
  return (
    <div className="app" style={{ '--log-size': `${logSize * 100}vh` } as React.CSSProperties}>
      <Header info={info} lab={active} family={family} zoom={zoom} theme={theme} onLab={setActive} onFamily={onFamily} onZoom={onZoom} onTheme={setTheme} />
      <main className="consoles" key={active}>
        <ClientPanel
          lab={lab}
          registry={registry}
          problem={problems[`${active}:client`]}
          onChange={(fields: Partial<ClientFields>) => update(active, (l) => ({ ...l, client: { ...l.client, ...fields } }))}
          onSelectTab={(key) => update(active, (l) => ({ ...l, activeTab: key }))}
          onNewTab={() =>
            update(active, (l) => {
              const tab = newTab(active, l.nextTab)
              return { ...l, tabs: [...l.tabs, tab], activeTab: tab.key, nextTab: l.nextTab + 1 }
            })
          }
          onConnect={(key) => void connect(active, key)}
          onSend={(key, line) => void send(active, key, line)}
          drafts={drafts}
          onDraft={(key, text) => setDrafts((d) => ({ ...d, [key]: text }))}
        />
        <ServerPanel
          lab={lab}
          registry={registry}
          problem={problems[`${active}:server`]}
          canChooseFolder={info.canChooseFolder}
          onChange={(fields: Partial<ServerFields>) => update(active, (l) => ({ ...l, server: { ...l.server, ...fields } }))}
          onPort={(port) => update(active, (l) => withServerPort(l, port, familyRef.current))}
          onStart={() => void startServer(active)}
          onStop={() => void stopServer(active)}
          onChooseFolder={() => void chooseFolder(active)}
        />
      </main>
      <Splitter size={logSize} onSize={setLogSize} />
      <PacketLog store={store} endpoints={endpoints} zoom={zoom} />
    </div>
  )
}
