// The ladder of one connection or UDP exchange: client and server as two vertical lines, one arrow
// per packet, and beside each line the socket calls of that end, in the order they happened.
// Sizes follow the zoom (text 14 px at 100%), so it reads on a projector. Clicking an arrow picks
// the packet in the wire view and its call in the packet log; clicking a call picks it in the log.
// "Whole ladder" gives it the window and scales it to fit: the course's exchange at once, even at
// 200%, where the pane shows only the handshake.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { Role, SockAddr } from '../../../shared/events'
import { formatSockAddr } from '../../../shared/events'
import type { Conversation } from '../../../shared/wire'
import { roleSaid } from '../../../shared/wire'
import type { CaptureStore } from './capture-store'
import type { EventStore } from '../feed/event-store'
import { useWholeWindow } from '../ui/use-whole-window'
import { alignmentWords, buildLadder, callSides, conversationName, conversationNames, type LadderRow } from './ladder-model'
import { WholeWindowButton } from '../ui/WholeWindowButton'
import { DATA_SVG, sayIn, worded } from './words'
import { eventWords } from '../../../shared/event-words'

interface Props {
  store: CaptureStore
  events: EventStore
  /** Seconds count from here (µs since the epoch), as in the wire view and the packet log. */
  zero: () => number
  zoom: number
  /** "Server", "Client 2": the name the student knows for a lab endpoint. */
  nameOf: (endpointId: string) => string | undefined
}

/** Conversations offered in the picker: the newest. */
const PICKER_MAX = 200


export function Ladder({ store, events, zero, zoom, nameOf }: Props): React.JSX.Element {
  const { t } = useTranslation('wire')
  const version = useSyncExternalStore(store.subscribe, store.getVersion)
  const received = useSyncExternalStore(useCallback((listener: () => void) => events.subscribe(listener), [events]), () => events.stats.received)
  const [width, setWidth] = useState(900)
  const [boxHeight, setBoxHeight] = useState(400)
  const wholeWindow = useWholeWindow()
  const whole = wholeWindow.whole
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current!
    const observer = new ResizeObserver(() => {
      setWidth(el.clientWidth)
      setBoxHeight(el.clientHeight)
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const conversations = store.allConversations()
  const chosen = store.conversation(store.selection.conversation) ?? conversations.at(-1)
  const labZero = store.status?.labZero ?? 0
  const ladder = useMemo(
    () => (chosen ? buildLadder(chosen, store.packetsOf(chosen.id), events.all(), labZero, { conversations, packetsOf: (id) => store.packetsOf(id) }) : undefined),
    // The store's version and the events received stand for their contents.
    [chosen, store, events, labZero, version, received]
  )
  // Said only of the calls drawn: none for another program's connection, one side's for the lab's client against it.
  const alignment = ladder && alignmentWords(store.status?.labZeroBound, callSides(ladder))
  const offered = conversations.slice(-PICKER_MAX).reverse()
  const names = useMemo(
    () => conversationNames(offered, events.all(), labZero),
    // The store's version stands for the conversations offered, as above.
    [store, events, labZero, version, received]
  )

  return (
    <section className={`log ladder${whole ? ' whole' : ''}`} aria-label={t('ladder.label')} data-testid="ladder">
      <div className="log-bar">
        <h2>{t('ladder.title')}</h2>
        <label className="field inline">
          <span>{t('ladder.connection')}</span>
          <select
            value={chosen?.id ?? ''}
            data-testid="ladder-pick"
            onChange={(e) => store.select({ conversation: e.target.value, packet: undefined })}
            disabled={conversations.length === 0}
          >
            {conversations.length === 0 && <option value="">{t('ladder.noPackets')}</option>}
            {offered.map((c) => (
              <option key={c.id} value={c.id}>
                {worded(t, names.get(c.id) ?? c.id)}
              </option>
            ))}
          </select>
        </label>
        <span className="count" data-testid="ladder-count">
          {ladder ? ladderSummary(t, ladder.conversation) : ''}
        </span>
        {alignment && (
          <span className="alignment" data-testid="ladder-alignment" title={t('ladder.align.tip', { words: sayIn(t, alignment.words) })} data-short={sayIn(t, alignment.short)}>
            <span className="alignment-words">{sayIn(t, alignment.words)}</span>
          </span>
        )}
        <WholeWindowButton state={wholeWindow} label={t('ladder.whole')} tip={t('ladder.wholeTip')} testId="ladder-whole" disabled={!ladder} />
      </div>
      <div className="ladder-box" ref={box} data-testid="ladder-box">
        {ladder ? (
          <LadderSvg rows={ladder.rows} columns={ladder.columns} addresses={ladder.addresses} name={worded(t, names.get(ladder.conversation.id) ?? conversationName(ladder.conversation, 0))} ends={{ client: ladder.ends.client && nameOf(ladder.ends.client.endpoint), relay: ladder.ends.relay && nameOf(ladder.ends.relay.endpoint), server: ladder.ends.server && nameOf(ladder.ends.server.endpoint) }} store={store} width={width} fitHeight={whole ? boxHeight : undefined} zoom={zoom} zero={zero() || ladder.conversation.firstTime} />
        ) : (
          // Without packets there is nothing to draw: say so, rather than ask the student to pick one.
          <p className="wire-empty">{store.status?.state === 'unavailable' ? t('ladder.noCapture') : t('ladder.pickOne')}</p>
        )}
      </div>
    </section>
  )
}

function ladderSummary(t: TFunction<'wire'>, c: Conversation): string {
  if (c.proto === 'UDP') return t('ladder.packets', { count: c.packets })
  // t('ladder.state.handshake') t('ladder.state.open') t('ladder.state.closing') t('ladder.state.closed') t('ladder.state.reset')
  return t('ladder.packetsState', { count: c.packets, state: t(`ladder.state.${c.state}`) })
}

interface SvgProps {
  rows: LadderRow[]
  /** The lines left to right, and the address each stands for. */
  columns: Role[]
  addresses: Partial<Record<Role, SockAddr>>
  /** As the picker names it. */
  name: string
  ends: Partial<Record<Role, string | undefined>>
  store: CaptureStore
  width: number
  /** Scale down to this height (px), all rows at once. */
  fitHeight?: number
  zoom: number
  zero: number
}

/** Heights, in em: the ends' names, a packet's row (label above its arrow), a call's row. */
const HEAD_EM = 3.6
const PACKET_EM = 2.7
const CALL_EM = 1.9

/** Width of one character of the ladder's monospace font, in em, with a little to spare (DejaVu Sans Mono's is 0.602). */
const CHAR_EM = 0.62

/** Ems a column of these texts needs: at least `least`, else the longest text and `pad`. */
function columnEms(texts: readonly string[], least: number, pad: number): number {
  return Math.max(least, CHAR_EM * Math.max(0, ...texts.map((t) => t.length)) + pad)
}

function LadderSvg({ rows, columns, addresses, name, ends, store, width, fitHeight, zoom, zero }: SvgProps): React.JSX.Element {
  const { t } = useTranslation('wire')
  const fs = 14 * zoom
  // Row heights depend on the font alone: the scale that fits them is known before the layout.
  const natural = (HEAD_EM + rows.reduce((h, r) => h + (r.kind === 'packet' ? PACKET_EM : CALL_EM), 0) + 1) * fs
  const seconds = (t: number): string => ((t - zero) / 1e6).toFixed(6)
  const callTexts = (side: Role): string[] => rows.flatMap((r) => (r.kind === 'call' && r.side === side ? [worded(t, r.label)] : []))
  // Each column as wide as its longest text: times grow with the lab's age, and recvfrom()'s words
  // are longer than recv()'s; a fixed width cut them at the edge or drew them over the times.
  const timeW = columnEms(rows.map((r) => seconds(r.time)), 6.2, 1) * fs
  const clientCallW = columnEms(callTexts('client'), 15, 1.2) * fs
  const serverCallW = columnEms(callTexts('server'), 15, 1.2) * fs
  // A relay's line stands between them, its calls to its right (relay-ladder.ts).
  const relayed = columns.includes('relay')
  const relayCallW = relayed ? columnEms(callTexts('relay'), 10, 1.2) * fs : 0
  const middleMin = 20 * fs
  const least = timeW + clientCallW + serverCallW + relayCallW + middleMin
  // Whole: scaled to the box's height, and (three lines are wide) to its width too.
  const scale = fitHeight === undefined ? 1 : Math.min(1, Math.max(1, fitHeight - 2) / natural, relayed ? width / least : 1)
  // The width the box gives, in the ladder's own (unscaled) units.
  const room = width / scale
  const w = Math.max(room, least)
  const clientX = timeW + clientCallW
  const serverX = w - serverCallW
  // Room left of the relay's line for both addresses under the names, its calls on its right.
  const relayX = clientX + Math.max(12 * fs, (serverX - clientX - relayCallW) / 2)
  const head = HEAD_EM * fs
  const packetH = PACKET_EM * fs
  const callH = CALL_EM * fs
  let y = head
  const placed = rows.map((row) => {
    const at = y
    y += row.kind === 'packet' ? packetH : callH
    return { row, y: at }
  })
  const height = y + fs
  const selectedPacket = store.selection.packet
  const selectedCall = store.selection.call?.seq
  const x = (side: Role): number => (side === 'client' ? clientX : side === 'relay' ? relayX : serverX)

  return (
    <svg className="ladder-svg" width={w * scale} height={height * scale} viewBox={`0 0 ${w} ${height}`} role="img" aria-label={t('ladder.of', { name })} style={{ fontSize: fs }} data-text-px={(fs * scale).toFixed(1)}>
      <defs>
        <marker id="ladder-head" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth={fs * 0.9} markerHeight={fs * 0.9} orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="ladder-arrowhead" />
        </marker>
        <marker id="ladder-head-selected" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth={fs * 0.9} markerHeight={fs * 0.9} orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" className="ladder-arrowhead selected" />
        </marker>
      </defs>
      <text x={timeW - fs * 0.5} y={fs * 1.3} textAnchor="end" className="ladder-muted">
        {t('columns.time')}
      </text>
      {columns.map((side) => (
        <g key={side}>
          <text x={x(side)} y={fs * 1.3} textAnchor="middle" className="ladder-end">
            {/* A lab's own name already says its role ("Client 1 TCP", "Server TCP"): it stands alone. */}
            {ends[side] || (side === 'relay' ? sayIn(t, roleSaid('relay')) : side === 'client' ? t('ladder.end.client') : t('ladder.end.server'))}
          </text>
          <text x={x(side)} y={fs * 2.6} textAnchor="middle" className="ladder-muted" {...DATA_SVG}>
            {addresses[side] ? formatSockAddr(addresses[side]) : ''}
          </text>
          <line x1={x(side)} x2={x(side)} y1={head - fs * 0.4} y2={height - fs * 0.5} className="ladder-line" />
        </g>
      ))}
      {placed.map(({ row, y: top }) =>
        row.kind === 'packet' ? (
          <PacketArrow key={`p${row.packet.no}`} row={row} top={top} fs={fs} fromX={x(row.from)} toX={x(row.to)} timeX={timeW - fs * 0.5} time={seconds(row.time)} selected={row.packet.no === selectedPacket} store={store} />
        ) : (
          <CallMark key={`c${row.event.seq}`} row={row} top={top} fs={fs} lineX={x(row.side)} timeX={timeW - fs * 0.5} time={seconds(row.time)} selected={row.event.seq === selectedCall} store={store} />
        )
      )}
    </svg>
  )
}

function activate(run: () => void): { onClick: () => void; onKeyDown: (e: React.KeyboardEvent) => void } {
  return {
    onClick: run,
    onKeyDown: (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return
      e.preventDefault()
      run()
    }
  }
}

function PacketArrow({ row, top, fs, fromX, toX, timeX, time, selected, store }: { row: Extract<LadderRow, { kind: 'packet' }>; top: number; fs: number; fromX: number; toX: number; timeX: number; time: string; selected: boolean; store: CaptureStore }): React.JSX.Element {
  const y1 = top + fs * 1.5
  const y2 = top + fs * 2.2
  const mid = (fromX + toX) / 2
  const pick = (): void => {
    store.select({ packet: row.packet.no, conversation: row.packet.conversation })
    const call = row.calls?.sentBy ?? row.calls?.readBy
    if (call !== undefined) store.selectCall(call)
  }
  const { t } = useTranslation('wire')
  const label = worded(t, row.label)
  const to = roleSaid(row.to)
  const words = row.words && sayIn(t, row.words)
  const name = words ? t('ladder.arrowWords', { from: sayIn(t, roleSaid(row.from)), to: sayIn(t, to), label, words }) : t('ladder.arrow', { from: sayIn(t, roleSaid(row.from)), to: sayIn(t, to), label })
  return (
    <g className={`ladder-packet${selected ? ' selected' : ''}`} role="button" tabIndex={0} aria-label={name} aria-pressed={selected} data-testid="ladder-arrow" data-no={row.packet.no} {...activate(pick)}>
      <title>{name}</title>
      <text x={timeX} y={y1 + fs * 0.35} textAnchor="end" className="ladder-muted" data-testid="ladder-time" {...DATA_SVG}>
        {time}
      </text>
      <line x1={fromX} y1={y1} x2={toX} y2={y2} className="ladder-hit" />
      <line x1={fromX} y1={y1} x2={toX} y2={y2} className="ladder-arrow" markerEnd={`url(#${selected ? 'ladder-head-selected' : 'ladder-head'})`} />
      {/* The flags and numbers, then the step in words, on one line above the arrow. */}
      <text x={mid} y={top + fs * 1.05} textAnchor="middle" className="ladder-label" data-testid="ladder-label">
        {typeof row.label === 'string' ? <tspan {...DATA_SVG}>{row.label}</tspan> : label}
        {words && (
          <tspan className="ladder-words" dx={fs * 0.6} data-testid="ladder-words">
            {words}
          </tspan>
        )}
      </text>
    </g>
  )
}

function CallMark({ row, top, fs, lineX, timeX, time, selected, store }: { row: Extract<LadderRow, { kind: 'call' }>; top: number; fs: number; lineX: number; timeX: number; time: string; selected: boolean; store: CaptureStore }): React.JSX.Element {
  const { t } = useTranslation('wire')
  const y = top + fs * 1.1
  const left = row.side === 'client'
  const label = worded(t, row.label)
  return (
    <g className={`ladder-call kind-${row.event.kind}${selected ? ' selected' : ''}`} role="button" tabIndex={0} aria-label={t('ladder.callName', { side: sayIn(t, roleSaid(row.side)), label })} data-testid="ladder-call" data-kind={row.event.kind} {...activate(() => store.selectCall(row.event.seq))}>
      <title>{eventWords(row.event, t as never)}</title>
      <text x={timeX} y={y + fs * 0.35} textAnchor="end" className="ladder-muted" data-testid="ladder-time" {...DATA_SVG}>
        {time}
      </text>
      <circle cx={lineX} cy={y} r={fs * 0.3} className="ladder-dot" />
      <text x={left ? lineX - fs * 0.7 : lineX + fs * 0.7} y={y + fs * 0.35} textAnchor={left ? 'end' : 'start'} className="ladder-call-text" {...(typeof row.label === 'string' ? DATA_SVG : {})}>
        {label}
      </text>
    </g>
  )
}
