// The lab window: pick a lab, run its server and clients, watch consoles and the packet log.
// The labs' state and every action live in the LabController (lab-controller.ts); this component
// lays the parts out, and keeps the view's own settings (zoom, theme, the log's size).

import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import type { HostInfo, LabApi } from '../../shared/contract'
import { CaptureFeed } from './capture-feed'
import { CaptureStore } from './capture-store'
import { ConsoleRegistry } from './consoles'
import { fullName, liveEndpoints, runningInOrder } from './endpoint-names'
import { EventStore } from './event-store'
import { draftOf, LabController } from './lab-controller'
import { familyMismatch } from './lab-state'
import { ClientPanel } from './components/ClientPanel'
import { Header } from './components/Header'
import { ServerPanel } from './components/ServerPanel'
import { Splitter } from './components/Splitter'
import { ViewTabs } from './components/ViewTabs'
import { loadViewMemory, saveViewMemory } from './view-memory'
import { loadLogSize, loadTheme, loadZoom, saveLogSize, saveTheme, saveZoom, stepZoom, zoomDirection, type Theme } from './zoom'

export function App({ api, info }: { api: LabApi; info: HostInfo }): React.JSX.Element {
  const memory = useMemo(() => loadViewMemory(info.session), [info.session])
  const registry = useMemo(() => new ConsoleRegistry(), [])
  const store = useMemo(() => {
    const s = new EventStore()
    // What the student cleared before a reload stays cleared.
    if (memory.clearedThrough) s.clear(memory.clearedThrough)
    return s
  }, [memory])
  const controller = useMemo(() => new LabController({ api, info, consoles: registry, store, memory }), [api, info, registry, store, memory])
  const capture = useMemo(() => new CaptureStore(), [])
  const feed = useMemo(() => new CaptureFeed(api, capture), [api, capture])
  useEffect(() => feed.open(), [feed])
  const view = useSyncExternalStore(controller.subscribe, controller.getSnapshot)
  const [zoom, setZoom] = useState(loadZoom)
  const [theme, setTheme] = useState<Theme>(loadTheme)
  const [logSize, setLogSize] = useState(loadLogSize)

  useEffect(() => {
    // Read-only views for the benchmark and the e2e tests: counters, a console's whole text and size.
    Object.assign(window, { __socklabStats: store.stats, __socklabCaptureStats: capture.stats, __socklabCaptureStatus: () => capture.status, __socklabConsoleText: (key: string) => registry.text(key), __socklabConsoleSize: (key: string) => registry.size(key) })
    // Replay what the host still holds, then follow the stream.
    return controller.open()
  }, [controller, store, capture, registry])

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

  const { active, family, labs, problems } = view
  const lab = labs[active]
  return (
    <div className="app" style={{ '--log-size': `${logSize * 100}vh` } as React.CSSProperties}>
      <Header
        info={info}
        lab={active}
        family={family}
        zoom={zoom}
        theme={theme}
        onLab={(kind) => controller.setActive(kind)}
        onFamily={(f) => controller.setFamily(f)}
        onZoom={onZoom}
        onTheme={setTheme}
      />
      <main className="consoles" key={active}>
        <ClientPanel
          lab={lab}
          registry={registry}
          problem={problems[`${active}:client`]}
          draft={(key) => draftOf(view, active, key)}
          onChange={(key, fields) => controller.changeClient(active, key, fields)}
          onSelectTab={(key) => controller.selectTab(active, key)}
          onNewTab={() => controller.addTab(active)}
          onConnect={(key) => void controller.connect(active, key)}
          onSend={(key) => void controller.submit(active, key)}
          onCancel={(key) => void controller.cancel(active, key)}
          onDraft={(key, text) => controller.setDraft(active, key, text)}
        />
        <ServerPanel
          lab={lab}
          registry={registry}
          problem={problems[`${active}:server`] ?? familyMismatch(lab, family)}
          canChooseFolder={info.canChooseFolder}
          onChange={(fields) => controller.changeServer(active, fields)}
          onPort={(port) => controller.setServerPort(active, port)}
          onStart={() => void controller.startServer(active)}
          onStop={() => void controller.stopServer(active)}
          onChooseFolder={() => void controller.chooseFolder(active)}
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
          const key = controller.keyOf(id)
          return key ? fullName(key) : undefined
        }}
        order={runningInOrder(labs, active)}
        endpoints={liveEndpoints(labs)}
        keyOf={controller.keyOf}
        onCleared={(seq) => saveViewMemory(info.session, { clearedThrough: seq })}
      />
    </div>
  )
}
