import { useMemo, useState } from 'react'
import type { LabEvent } from '../../../shared/events'
import { PREVIEW_BYTES } from '../../../shared/events'
import { fullName } from '../lab/endpoint-names'
import { decodeBase64, hexDump } from './hex-dump'
import type { KeyOf } from './log-view'
import { useEventWords } from './use-event-words'

type Show = 'hex' | 'text'

/** The selected event: who, what, and the payload it carried (up to PREVIEW_BYTES), as hex or as text. */
export function LogDetails({ event, keyOf }: { event?: LabEvent; keyOf: KeyOf }): React.JSX.Element {
  const [show, setShow] = useState<Show>('hex')
  const preview = event?.preview
  const bytes = useMemo(() => decodeBase64(preview), [preview])
  const dump = useMemo(() => (show === 'hex' ? hexDump(bytes) : new TextDecoder('utf-8').decode(bytes)), [bytes, show])
  const wordsOf = useEventWords()
  if (!event)
    return (
      <div className="details empty" data-testid="log-details">
        Select a row to see its bytes.
      </div>
    )
  const key = keyOf(event.endpoint)
  const payload = event.kind === 'send' || event.kind === 'recv'
  const who = `${key ? fullName(key) : event.endpoint} · ${event.kind}${event.conn ? ` · connection ${event.conn}` : ''}${event.code ? ` · ${event.code}` : ''}`
  const note = payload ? `(${payloadNote(bytes.length, event.length)})` : ''
  return (
    <div className="details" data-testid="log-details" role="region" aria-label="Selected event">
      {/* The summary and the Hex/Text switch share a line, so that the dump keeps its lines on a short screen. */}
      <div className="details-head">
        {/* With bytes, one line, cut at the pane's edge (the whole of it on hover), so that the dump keeps its room. */}
        <p title={`#${event.seq} ${who} · ${wordsOf(event)} ${note}`}>
          <strong>#{event.seq}</strong> {who} · <span translate={event.kind === 'console' ? 'no' : undefined}>{wordsOf(event)}</span> {payload && <em data-testid="log-payload-note">{note}</em>}
        </p>
        {bytes.length > 0 && (
          <div className="seg-group" role="group" aria-label="Show the bytes as">
            {(['hex', 'text'] as const).map((s) => (
              <button key={s} type="button" className="seg" aria-pressed={show === s} onClick={() => setShow(s)} data-testid={`log-show-${s}`}>
                {s === 'hex' ? 'Hex' : 'Text'}
              </button>
            ))}
          </div>
        )}
      </div>
      {bytes.length > 0 && (
        <pre className={show} data-testid={show === 'hex' ? 'log-hex' : 'log-text'}>
          {dump}
        </pre>
      )}
    </div>
  )
}

/** Says how much of the payload is shown: all of it, or the first part and why. */
function payloadNote(shown: number, length: number): string {
  if (shown >= length) return `all ${length.toLocaleString('en')} bytes`
  const why =
    shown >= PREVIEW_BYTES
      ? `the log keeps at most ${PREVIEW_BYTES / 1024} KiB of a payload`
      : 'the log keeps whole payloads for recent rows, and in a flood only the first bytes'
  return `first ${shown.toLocaleString('en')} of ${length.toLocaleString('en')} bytes: ${why}`
}
