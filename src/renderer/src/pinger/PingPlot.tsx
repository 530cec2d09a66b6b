// The Pinger lab's RTT plot: one mark per ping of the latest run, live as the replies and the
// timeouts come. A reply is a bar as tall as its round trip time; a lost ping (no reply in time)
// is a red ✕ in the row above the plot, over a dashed line at its number. Lines mark the RTT min,
// avg and max; the head says the loss in per cent. Sized in rem: it reads at every zoom.

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import type { EventStore } from '../feed/event-store'
import { DATA_SVG } from '../wire/words'
import { latestRun, rttAxis, seqTicks, type PingRun } from './ping-plot-model'

/** The sign of a lost ping, in the plot and its legend: not a word. */
const LOST = '✕'

interface Props {
  events: EventStore
  /** The client whose latest run is drawn (the tab on screen); undefined: whichever client pinged last. */
  endpoint?: string
}

export function PingPlot({ events, endpoint }: Props): React.JSX.Element {
  const { t, i18n } = useTranslation('pinger')
  const received = useSyncExternalStore(useCallback((listener: () => void) => events.subscribe(listener), [events]), () => events.stats.received)
  const cleared = events.stats.clearedThrough
  const run = useMemo(
    () => latestRun(events.all(), endpoint) ?? (endpoint ? undefined : latestRun(events.all())),
    // The events received (and cleared) stand for the store's contents.
    [events, endpoint, received, cleared]
  )
  const lang = i18n.language === 'pseudo' ? 'en' : i18n.language
  const pct = useMemo(() => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }), [lang])
  const s = run?.stats
  return (
    <section className="panel ping-plot" aria-label={t('plot.title')} data-testid="ping-plot">
      <header className="panel-head">
        <h2>{t('plot.title')}</h2>
        {run && !run.done && <span className="status on">{t('plot.running')}</span>}
        {s && s.sent > 0 && (
          <span className="ping-loss" data-testid="ping-loss" data-loss-pct={s.lossPct} data-lost={s.lost} data-sent={s.sent}>
            {t('plot.loss')}{' '}
            <strong translate="no">{pct.format(s.lossPct)}%</strong> <span className="muted">({t('plot.lostOf', { lost: s.lost, sent: s.sent })})</span>
          </span>
        )}
      </header>
      <div className="ping-legend">
        <span className="legend-reply">
          <span className="swatch reply" aria-hidden="true" /> {t('plot.legendReply')}
        </span>
        <span>
          <span className="lost-sign" translate="no" aria-hidden="true">
            {LOST}
          </span>{' '}
          {t('plot.legendLoss')}
        </span>
        {s?.minMs !== undefined && (
          <span className="rtt-values" data-testid="ping-rtt">
            {t('event.rttLine', { min: s.minMs, avg: s.avgMs!, max: s.maxMs! })}
          </span>
        )}
      </div>
      <PlotArea run={run} />
    </section>
  )
}

function PlotArea({ run }: { run?: PingRun }): React.JSX.Element {
  const { t } = useTranslation('pinger')
  const box = useRef<HTMLDivElement>(null)
  const [size, setSize] = useState({ w: 600, h: 240, em: 16 })
  useEffect(() => {
    const el = box.current!
    const measure = (): void => setSize({ w: el.clientWidth, h: el.clientHeight, em: parseFloat(getComputedStyle(document.documentElement).fontSize) || 16 })
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    // The zoom changes the root's font size, not the box's size: measure again then too.
    const zoom = new MutationObserver(measure)
    zoom.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] })
    return () => {
      observer.disconnect()
      zoom.disconnect()
    }
  }, [])
  return (
    <div className="ping-plot-box" ref={box}>
      {run ? (
        <Plot run={run} w={size.w} h={size.h} em={size.em} />
      ) : (
        <p className="empty" data-testid="ping-plot-empty">
          {t('plot.empty')}
        </p>
      )}
    </div>
  )
}

function Plot({ run, w, h, em }: { run: PingRun; w: number; h: number; em: number }): React.JSX.Element {
  const { t } = useTranslation('pinger')
  const small = 0.8125 * em
  const tickMs = (v: number): string => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))))
  const s = run.stats
  const { top: yTop, ticks } = rttAxis(Math.max(s.maxMs ?? 0, 0))
  const widest = Math.max(...ticks.map((v) => tickMs(v).length))
  const left = Math.max(2.4 * em, widest * small * 0.62 + 0.8 * em)
  const right = 3.4 * em
  const top = 1.9 * em
  const bottom = 2.6 * em
  const pw = Math.max(10, w - left - right)
  const ph = Math.max(10, h - top - bottom)
  const band = pw / Math.max(1, run.count)
  const xOf = (seq: number): number => left + (seq - 0.5) * band
  const yOf = (v: number): number => top + ph - (v / yTop) * ph
  const bar = Math.max(2, Math.min(band * 0.6, 2.2 * em))
  const cross = Math.max(4, Math.min(band * 0.4, 0.55 * em))
  const xTicks = seqTicks(run.count, Math.max(2, Math.floor(pw / (2.4 * em))))
  // min, avg and max lines, their labels kept a line apart where the values are close.
  const lines = s.minMs === undefined ? [] : spread([
    { key: 'max', v: s.maxMs!, word: t('plot.max') },
    { key: 'avg', v: s.avgMs!, word: t('plot.avg') },
    { key: 'min', v: s.minMs, word: t('plot.min') }
  ].map((l) => ({ ...l, y: yOf(l.v) })), small * 1.05)
  return (
    <svg width={w} height={h} role="img" aria-label={t('plot.label')} className="ping-svg" data-testid="ping-svg" data-count={run.count}>
      {/* Grid and RTT ticks. */}
      <g {...DATA_SVG} className="ticks" fontSize={small}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={left + pw} y1={yOf(v)} y2={yOf(v)} className="grid" />
            <text x={left - 0.4 * em} y={yOf(v)} dy="0.35em" textAnchor="end">
              {tickMs(v)}
            </text>
          </g>
        ))}
        {xTicks.map((seq) => (
          <text key={seq} x={xOf(seq)} y={top + ph + 1.1 * em} textAnchor="middle">
            {seq}
          </text>
        ))}
      </g>
      <text x={left - 0.4 * em} y={top - 0.75 * em} textAnchor="start" fontSize={small} className="axis-title">
        {t('plot.yAxis')}
      </text>
      <text x={left + pw / 2} y={h - 0.3 * em} textAnchor="middle" fontSize={small} className="axis-title">
        {t('plot.xAxis')}
      </text>
      <line x1={left} x2={left + pw} y1={top + ph} y2={top + ph} className="axis" />
      <line x1={left} x2={left} y1={top} y2={top + ph} className="axis" />
      {/* One mark per ping. */}
      {run.marks.map((m) =>
        m.lost ? (
          <g key={m.seq} className="mark lost" data-testid="ping-mark" data-seq={m.seq} data-lost="true">
            <title>{t('plot.pingLost', { seq: m.seq })}</title>
            <line x1={xOf(m.seq)} x2={xOf(m.seq)} y1={top} y2={top + ph} className="lost-line" />
            <path d={`M${xOf(m.seq) - cross},${top - 0.9 * em - cross}l${2 * cross},${2 * cross}m0,${-2 * cross}l${-2 * cross},${2 * cross}`} className="cross" />
          </g>
        ) : (
          <g key={m.seq} className="mark reply" data-testid="ping-mark" data-seq={m.seq} data-lost="false" data-rtt={m.rttMs}>
            <title>{t('plot.pingRtt', { seq: m.seq, rtt: m.rttMs! })}</title>
            <rect x={xOf(m.seq) - bar / 2} y={yOf(m.rttMs!)} width={bar} height={Math.max(1, top + ph - yOf(m.rttMs!))} className="bar" />
          </g>
        )
      )}
      {lines.map((l) => (
        <g key={l.key} className={`stat ${l.key}`} data-testid={`ping-line-${l.key}`}>
          <line x1={left} x2={left + pw} y1={l.y} y2={l.y} />
          <text x={left + pw + 0.3 * em} y={l.labelY} dy="0.35em" fontSize={small}>
            {l.word}
          </text>
        </g>
      ))}
    </svg>
  )
}

/** Labels at their lines' heights, moved apart to at least `gap` (top to bottom, as given). */
function spread<T extends { y: number }>(labels: T[], gap: number): (T & { labelY: number })[] {
  const out = labels.map((l) => ({ ...l, labelY: l.y }))
  for (let i = 1; i < out.length; i++) if (out[i].labelY - out[i - 1].labelY < gap) out[i].labelY = out[i - 1].labelY + gap
  return out
}
