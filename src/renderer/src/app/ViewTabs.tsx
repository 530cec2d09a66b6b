// The views below the consoles, as tabs: the packet log (what the programs did), the wire (what
// went on the wire), the ladder of one connection, and what each socket is doing now. The packet
// log stays mounted (it keeps its filter and selection); a wire view, while shown, keeps the
// capture's status fresh, and the Sockets view the kernel's states. Writes/reads draws one
// connection's send() calls against the other side's recv() calls, from the events alone.

import { useEffect, useMemo, useSyncExternalStore } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import type { LabApi } from '../../../shared/contract'
import type { LabEvent } from '../../../shared/events'
import type { CaptureFeed } from '../wire/capture-feed'
import type { CaptureStore } from '../wire/capture-store'
import type { EventStore } from '../feed/event-store'
import { downloadUrl } from '../log/export'
import { conversationOfEvent } from '../wire/ladder-model'
import { Ladder } from '../wire/Ladder'
import { PacketLog } from '../log/PacketLog'
import { SocketState } from '../wire/SocketState'
import { WireView } from '../wire/WireView'
import { StreamView } from '../stream/StreamView'

export type ViewTab = 'log' | 'wire' | 'ladder' | 'sockets' | 'stream'
const TABS: ViewTab[] = ['log', 'wire', 'ladder', 'sockets', 'stream']

/** A view's name and its tooltip. */
function tabWords(t: TFunction<'lab'>, ts: TFunction<'stream'>, tab: ViewTab): { title: string; hint: string } {
  switch (tab) {
    case 'log':
      return { title: t('views.log'), hint: t('views.logHint') }
    case 'wire':
      return { title: t('views.wire'), hint: t('views.wireHint') }
    case 'ladder':
      return { title: t('views.ladder'), hint: t('views.ladderHint') }
    case 'sockets':
      return { title: t('views.sockets'), hint: t('views.socketsHint') }
    case 'stream':
      return { title: ts('tab'), hint: ts('tabHint') }
  }
}

type LogProps = Omit<React.ComponentProps<typeof PacketLog>, 'store' | 'pick' | 'onSelect' | 'zoom' | 'shown'>

interface Props extends LogProps {
  api: LabApi
  events: EventStore
  capture: CaptureStore
  feed: CaptureFeed
  zoom: number
  /** The view shown (the window keeps it: a window that follows another shows the other's). */
  tab: ViewTab
  onTab: (tab: ViewTab) => void
  /** The packet log's row to select (the followed window's), by seq. */
  row?: number
  /** The student selected a packet log row (its seq), or none. */
  onRow: (seq: number | undefined) => void
  /** The packet log's row selected now (this window's, or the followed window's): Writes/reads draws its connection. */
  selected?: number
  /** Shown at the end of the tab row (the window's Follow control). */
  trailing?: React.ReactNode
  /** "TCP Server", "UDP Client 2" for an endpoint id. */
  nameOf: (endpointId: string) => string | undefined
  /** The running endpoints' ids, in the order the Sockets view shows them. */
  order: readonly string[]
}

export function ViewTabs({ api, events, capture, feed, zoom, tab, onTab: setTab, row, onRow, selected, trailing, nameOf, order, ...log }: Props): React.JSX.Element {
  // Only the call another view picked: packets arriving must not re-render the packet log.
  const { t } = useTranslation('lab')
  const { t: ts } = useTranslation('stream')
  const picked = useSyncExternalStore(capture.subscribe, () => capture.selection.call)
  const followed = useMemo(() => (row === undefined ? undefined : { seq: row, nonce: -1 }), [row])

  useEffect(() => {
    // The packet log and Writes/reads need no capture.
    if (tab === 'log' || tab === 'stream') return
    feed.show(tab === 'sockets')
    return () => feed.hide()
  }, [tab, feed])

  /** The packet log's time zero on the packets' clock: one time axis for every view. */
  const zero = (): number => {
    const labZero = capture.status?.labZero
    return labZero ? labZero + (events.all()[0]?.time ?? 0) : 0
  }

  const onLogSelect = (e: LabEvent | undefined): void => {
    onRow(e?.seq)
    const id = e && conversationOfEvent(e, capture.allConversations(), capture.status?.labZero ?? 0)
    if (id) capture.select({ conversation: id, packet: undefined })
  }

  const exportPcapng = async (): Promise<Awaited<ReturnType<LabApi['exportPcapng']>>> => {
    const result = await api.exportPcapng()
    if (result.kind === 'download') downloadUrl(result.url)
    return result
  }

  return (
    <div className="views">
      <div className="view-tabs" role="tablist" aria-label={t('views.label')}>
        {TABS.map((v) => {
          const { title, hint } = tabWords(t, ts, v)
          return (
            <button key={v} type="button" role="tab" aria-selected={tab === v} className={tab === v ? 'tab active' : 'tab'} title={hint} onClick={() => setTab(v)} data-testid={`view-${v}`}>
              {title}
            </button>
          )
        })}
        <span className="spacer" />
        {trailing}
      </div>
      <div className="view-body" hidden={tab !== 'log'}>
        <PacketLog store={events} zoom={zoom} pick={followed ?? picked} onSelect={onLogSelect} shown={tab === 'log'} {...log} />
      </div>
      {tab === 'wire' && <WireView store={capture} feed={feed} zero={zero} zoom={zoom} onExport={exportPcapng} />}
      {tab === 'ladder' && <Ladder store={capture} events={events} zero={zero} zoom={zoom} nameOf={nameOf} />}
      {tab === 'sockets' && <SocketState store={capture} events={events} nameOf={nameOf} order={order} />}
      {tab === 'stream' && <StreamView events={events} selected={selected} onPick={(seq) => capture.selectCall(seq)} nameOf={nameOf} />}
    </div>
  )
}
