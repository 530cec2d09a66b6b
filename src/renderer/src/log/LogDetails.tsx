import { useMemo, useState } from 'react'
import type { LabEvent } from '../../../shared/events'
import { PREVIEW_BYTES } from '../../../shared/events'
import { fullName } from '../lab/endpoint-names'
import { decodeBase64, hexDump } from './hex-dump'
import type { KeyOf } from './log-view'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { useWords } from '../ui/use-words'

type Show = 'hex' | 'text'

/** The selected event: who, what, and the payload it carried (up to PREVIEW_BYTES), as hex or as text. */
export function LogDetails({ event, keyOf }: { event?: LabEvent; keyOf: KeyOf }): React.JSX.Element {
  const { t } = useTranslation('log')
  const words = useWords()
  const [show, setShow] = useState<Show>('hex')
  const preview = event?.preview
  const bytes = useMemo(() => decodeBase64(preview), [preview])
  const dump = useMemo(() => (show === 'hex' ? hexDump(bytes) : new TextDecoder('utf-8').decode(bytes)), [bytes, show])
  if (!event)
    return (
      <div className="details empty" data-testid="log-details">
        {t('details.empty')}
      </div>
    )
  const key = keyOf(event.endpoint)
  const payload = event.kind === 'send' || event.kind === 'recv'
  const who = `${key ? words(fullName(key)) : event.endpoint} · ${event.kind}${event.conn ? ` · ${t('details.connection', { conn: event.conn })}` : ''}${event.code ? ` · ${event.code}` : ''}`
  const note = payload ? `(${payloadNote(t, bytes.length, event.length)})` : ''
  return (
    <div className="details" data-testid="log-details" role="region" aria-label={t('details.label')}>
      {/* The summary and the Hex/Text switch share a line, so that the dump keeps its lines on a short screen. */}
      <div className="details-head">
        {/* With bytes, one line, cut at the pane's edge (the whole of it on hover), so that the dump keeps its room. */}
        {/* One sentence of the catalog as its tooltip; on the line, the seq, the call, the code and an id are data (translate="no"). */}
        <p title={t('details.summary', { seq: event.seq, who, info: event.info, note })}>
          <strong translate="no">#{event.seq}</strong> {key ? words(fullName(key)) : <span translate="no">{event.endpoint}</span>} · <span translate="no">{event.kind}</span>
          {event.conn ? ` · ${t('details.connection', { conn: event.conn })}` : ''}
          {event.code ? ' · ' : ''}
          {event.code ? <span translate="no">{event.code}</span> : null} · {event.info} {payload && <em data-testid="log-payload-note">{note}</em>}
        </p>
        {bytes.length > 0 && (
          <div className="seg-group" role="group" aria-label={t('details.showAs')}>
            {(['hex', 'text'] as const).map((s) => (
              <button key={s} type="button" className="seg" aria-pressed={show === s} onClick={() => setShow(s)} data-testid={`log-show-${s}`}>
                {s === 'hex' ? t('details.hex') : t('details.text')}
              </button>
            ))}
          </div>
        )}
      </div>
      {bytes.length > 0 && (
        <pre className={show} data-testid={show === 'hex' ? 'log-hex' : 'log-text'} translate="no">
          {dump}
        </pre>
      )}
    </div>
  )
}

/** Says how much of the payload is shown: all of it, or the first part and why. */
function payloadNote(t: TFunction<'log'>, shown: number, length: number): string {
  if (shown >= length) return t('details.all', { count: length })
  const why = shown >= PREVIEW_BYTES ? t('details.capped', { kib: PREVIEW_BYTES / 1024 }) : t('details.flood')
  return t('details.first', { shown, length, why })
}
