// The lab window: pick a lab, run its server and clients, watch consoles and the packet log.
// All networking happens behind the LabApi (see lab-actions.ts); this component holds the state
// and lays the parts out.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { HostInfo, LabApi } from '../../shared/contract'
import type { Family } from '../../shared/events'
import { CaptureFeed } from './capture-feed'
import { CaptureStore } from './capture-store'
import { ConsoleRegistry } from './consoles'
import { fullName, liveEndpoints } from './endpoint-names'
import { EventRouter } from './event-router'
import { EventStore } from './event-store'
import { labActions } from './lab-actions'
import type { ClientFields, LabKind, LabState, ServerFields } from './lab-state'
import { initialLab, labOf, LABS, newTab, PROMPTS, restoreLabs, serverConsole, withFamily, withServerPort } from './lab-state'
import { ClientPanel } from './components/ClientPanel'
import { Header } from './components/Header'
import { ServerPanel } from './components/ServerPanel'
import { Splitter } from './components/Splitter'
import { ViewTabs } from './components/ViewTabs'
import { loadViewMemory, saveViewMemory, type ViewMemory } from './view-memory'
import { loadLogSize, loadTheme, loadZoom, saveLogSize, saveTheme, saveZoom, stepZoom, zoomDirection, type Theme } from './zoom'

type Labs = Record<LabKind, LabState>
type Problems = Partial<Record<string, string>>

/** Each lab as a new window shows it, with the fields this window had before a reload. */
function startingLabs(info: HostInfo, family: Family, memory: Partial<ViewMemory>): Labs {
  const labs = {} as Labs
  for (const { kind } of LABS) {
    const lab = initialLab(kind, family, info)
    const saved = memory.fields?.[kind]
    labs[kind] = saved ? { ...lab, server: { ...lab.server, ...saved.server }, client: { ...lab.client, ...saved.client } } : lab
  }
  return labs
}

export function App({ api, info }: { api: LabApi; info: HostInfo }): React.JSX.Element {
  const memory = useMemo(() => loadViewMemory(info.session), [info.session])
  const registry = useMemo(() => new ConsoleRegistry(), [])
  const store = useMemo(() => {
    const s = new EventStore()
    // What the student cleared before a reload stays cleared.
    if (memory.clearedThrough) s.clear(memory.clearedThrough)
    return s
  }, [memory])
  const router = useMemo(() => new EventRouter(store, registry), [store, registry])
  const capture = useMemo(() => new CaptureStore(), [])
  const feed = useMemo(() => new CaptureFeed(api, capture), [api, capture])
  useEffect(() => feed.open(), [feed])
  const [family, setFamily] = useState<Family>(memory.family ?? 'IPv4')
  const [active, setActive] = useState<LabKind>(memory.active ?? 'tcp')
  const [labs, setLabs] = useState<Labs>(() => startingLabs(info, memory.family ?? 'IPv4', memory))
  const [problems, setProblems] = useState<Problems>({})
  const [zoom, setZoom] = useState(loadZoom)
  const [theme, setTheme] = useState<Theme>(loadTheme)
  const [logSize, setLogSize] = useState(loadLogSize)
  const [drafts, setDrafts] = useState<Record<string, string>>({})
  const labsRef = useRef(labs)
  labsRef.current = labs
  const familyRef = useRef(family)
  familyRef.current = family
  const cancelled = useRef(new Set<string>())

  // Subscribe once: the host replays what it still holds, then follows with the live stream.
  useEffect(() => {
    // Read-only views for the benchmark and the e2e tests: counters, a console's whole text and size.
    Object.assign(window, { __socklabStats: store.stats, __socklabCaptureStats: capture.stats, __socklabCaptureStatus: () => capture.status, __socklabConsoleText: (key: string) => registry.text(key), __socklabConsoleSize: (key: string) => registry.size(key) })
    let stop = (): void => {}
    let cancelledLoad = false
    void (async () => {
      const running = await api.list()
      if (cancelledLoad) return
      const restored = restoreLabs(labsRef.current, running, familyRef.current)
      setLabs(restored.labs)
      setFamily(restored.family)
      // A window that remembers nothing opens on the lab whose server runs (the newest, if several).
      const newestServer = running.filter((ep) => ep.config.kind.endsWith('-server')).at(-1)
      if (!memory.active && newestServer) setActive(labOf(newestServer.id))
      for (const [id, key] of restored.routes) router.route(id, key)
      stop = api.onEvents((batch, replay) => {
        // Endpoints stopped before the reload: their lines go back where they were shown. (A live
        // event of an endpoint not known yet waits in the router for its start reply.)
        if (replay) {
          for (const e of batch) {
            if (router.has(e.endpoint)) continue
            const lab = labOf(e.endpoint)
            if (!(lab in restored.labs)) continue
            router.route(e.endpoint, e.role === 'server' ? serverConsole(lab) : restored.labs[lab].tabs[0].key)
          }
        }
        router.deliver(batch)
      })
    })()
    return () => {
      cancelledLoad = true
      stop()
    }
  }, [api, store, capture, registry, router, memory])

  // What a reload must bring back: the lab on screen and the fields as typed.
  useEffect(() => {
    const fields: ViewMemory['fields'] = {}
    for (const { kind } of LABS) fields[kind] = { server: labs[kind].server, client: labs[kind].client }
    saveViewMemory(info.session, { active, family, fields })
  }, [info.session, active, family, labs])

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
  const actions = labActions({
    api,
    registry,
    router,
    labs: () => labsRef.current,
    family: () => familyRef.current,
    update,
    setProblem: (where, problem) => setProblems((p) => ({ ...p, [where]: problem })),
    cancelled: cancelled.current
  })

  // Every client console reads lines typed into it, as the course's client reads stdin.
  const sendRef = useRef(actions.send)
  sendRef.current = actions.send
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
          onConnect={(key) => void actions.connect(active, key)}
          onSend={(key, line) => void actions.send(active, key, line)}
          onCancel={(key) => void actions.cancel(active, key)}
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
          onStart={() => void actions.startServer(active)}
          onStop={() => void actions.stopServer(active)}
          onChooseFolder={() => void chooseFolder(active)}
        />
      </main>
      <Splitter size={logSize} onSize={setLogSize} />
      <ViewTabs
        api={api}
        events={store}
        capture={capture}
        feed={feed}
        zoom={zoom}
        nameOf={(id) => {
          const key = router.keyOf(id)
          return key ? fullName(key) : undefined
        }}
        running={new Set(Object.values(labs).flatMap((l) => [l.run?.id, ...l.tabs.map((t) => t.endpointId)].filter((id): id is string => !!id)))}
        endpoints={liveEndpoints(labs)}
        keyOf={router.keyOf}
        onCleared={(seq) => saveViewMemory(info.session, { clearedThrough: seq })}
      />
    </div>
  )
}
