// The lab window: pick a lab, run its server and clients, watch consoles and the packet log.
// The labs' state and every action live in the LabController (lab-controller.ts); this component
// lays the parts out, and keeps the view's own settings (zoom, theme, the log's size).

import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { wordsOf } from '../ui/use-words'
import type { HostInfo, LabApi } from '../../../shared/contract'
import { CaptureFeed } from '../wire/capture-feed'
import { CaptureStore } from '../wire/capture-store'
import { ConsoleRegistry } from '../consoles/consoles'
import { fullName, liveEndpoints, runningInOrder } from '../lab/endpoint-names'
import { EventStore } from '../feed/event-store'
import { draftCutNote, draftOf, LabController } from '../lab/lab-controller'
import { familyMismatch, shownTab } from '../lab/lab-state'
import { PingPlot } from '../pinger/PingPlot'
import { ClientPanel } from '../lab/ClientPanel'
import { FollowControl } from './FollowControl'
import { Header } from './Header'
import { ServerPanel } from '../lab/ServerPanel'
import { RelayPanel } from '../relay/RelayPanel'
import { ConnectionList } from '../stream/ConnectionList'
import { ClientStreamFields, KeepOpenField } from '../stream/StreamFields'
import { Splitter } from '../ui/Splitter'
import { ViewTabs, type ViewTab } from './ViewTabs'
import { mirroredLab, WindowFollow } from './window-follow'
import { MAX_SHARED_TABS, type SharedView } from '../../../shared/window-views'
import { kindIn } from '../../../shared/endpoint-kinds'
import { loadViewMemory, saveViewMemory } from '../lab/view-memory'
import { loadLogSize, loadTheme, loadZoom, saveLogSize, saveTheme, saveZoom, stepZoom, zoomDirection, type Theme } from '../ui/zoom'

export function App({ api, info }: { api: LabApi; info: HostInfo }): React.JSX.Element {
  const memory = useMemo(() => loadViewMemory(info.session), [info.session])
  const { t, i18n } = useTranslation()
  const registry = useMemo(() => new ConsoleRegistry(), [])
  // The consoles word the window's own lines as they are written, in the language of the moment.
  useEffect(() => registry.setWords(i18n.t), [registry, i18n, i18n.language])
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
  // The HTTP lab's sample site follows the language (once its server stops), unless the student chose a folder.
  const httpRuns = view.labs.http.run !== undefined
  useEffect(() => controller.followLanguage(i18n.language), [controller, i18n.language, httpRuns])
  const [zoom, setZoom] = useState(loadZoom)
  const [theme, setTheme] = useState<Theme>(loadTheme)
  const [logSize, setLogSize] = useState(loadLogSize)
  const [viewTab, setViewTab] = useState<ViewTab>('log')
  const [row, setRow] = useState<number | undefined>()
  const [relayOpen, setRelayOpen] = useState(false)
  const follow = useMemo(() => new WindowFollow(api, info.session), [api, info.session])
  useEffect(() => follow.open(), [follow])
  const windows = useSyncExternalStore(follow.subscribe, follow.getSnapshot)

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

  const { family, labs, problems } = view
  // Following another window: its lab, client tab (by its numbers), view and row are shown here,
  // over this window's own, which come back when it stops following.
  const leader = follow.leader(windows)
  const led = leader?.view
  const active = led ? led.lab : view.active
  const lab = led ? mirroredLab(labs[active], led, family) : labs[active]
  const shownView = led ? led.view : viewTab
  const shownRow = led ? led.row : row
  const shared: SharedView = led ?? {
    lab: active,
    tabs: lab.tabs.slice(0, MAX_SHARED_TABS).map((t) => ({ key: t.key, ...(t.endpointId && { endpoint: t.endpointId }) })),
    tab: lab.activeTab,
    view: viewTab,
    ...(row !== undefined && { row })
  }
  useEffect(() => follow.share(shared))
  // The leader's clients by the leader's numbers, in the log's details too.
  // Stable while the leader's tabs are: the packet log rebuilds its rows when it changes. Each word
  // from the host is a new copy of them (a new row selected too), so they are compared by content.
  const ledTabsText = led && JSON.stringify(led.tabs)
  const ledTabs = useMemo(() => (ledTabsText === undefined ? undefined : (JSON.parse(ledTabsText) as SharedView['tabs'])), [ledTabsText])
  const keyOf = useCallback((id: string): string | undefined => ledTabs?.find((t) => t.endpoint === id)?.key ?? controller.keyOf(id), [ledTabs, controller])
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
      <main className={active === 'ping' ? 'consoles ping-lab' : !kindIn(active, 'relay') ? 'consoles' : lab.relay || relayOpen ? 'consoles with-relay' : 'consoles relay-closed'} key={active}>
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
          draftCut={(key) => draftCutNote(view, key)}
          // A kind whose description gives its tabs the stream options (tcp-client) shows them.
          moreFields={(tab) => tab.fields.session !== undefined && <ClientStreamFields fields={tab.fields} onChange={(fields) => controller.changeClient(active, tab.key, fields)} />}
        />
        {active === 'ping' && <PingPlot events={store} endpoint={shownTab(lab).endpointId} />}
        {kindIn(active, 'relay') && (
          <RelayPanel lab={lab} registry={registry} store={store} onOpen={setRelayOpen} onStart={(config) => void controller.startRelay(active, config)} onStop={() => void controller.stopRelay(active)} />
        )}
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
          moreFields={
            // A kind whose description gives its server Keep connections open (tcp-server).
            lab.server.keepOpen !== undefined &&
            (lab.run ? (
              lab.server.keepOpen === true && <ConnectionList events={store} endpoint={lab.run.id} onClose={led ? undefined : (conn) => void controller.closeConnection(active, conn)} />
            ) : (
              <KeepOpenField checked={lab.server.keepOpen === true} onChange={(keepOpen) => controller.changeServer(active, { keepOpen })} />
            ))
          }
        />
      </main>
      <Splitter size={logSize} onSize={setLogSize} />
      <ViewTabs
        api={api}
        events={store}
        capture={capture}
        feed={feed}
        zoom={zoom}
        tab={shownView}
        onTab={setViewTab}
        row={led ? shownRow : undefined}
        onRow={setRow}
        selected={shownRow}
        trailing={<FollowControl follow={windows} leaderOpen={leader?.open} onFollow={(n) => follow.follow(n)} />}
        nameOf={(id) => {
          const key = keyOf(id)
          return key ? wordsOf(t, fullName(key)) : undefined
        }}
        order={runningInOrder(labs, active)}
        endpoints={liveEndpoints(labs)}
        keyOf={keyOf}
        onCleared={(seq) => saveViewMemory(info.session, { clearedThrough: seq })}
      />
    </div>
  )
}
