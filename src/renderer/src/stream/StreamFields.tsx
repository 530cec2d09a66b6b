// The stream options of the TCP lab, as small controls of their own beside the panels' (so that the
// panels stay as they are): the server's "Keep connections open", and per client tab the writes one
// message is cut into, Nagle's algorithm and "Stay connected" (a session: each sentence on the same
// connection, until Close).

import { useTranslation } from 'react-i18next'
import { CheckField, TextField } from '../ui/Field'
import type { ClientFields } from '../lab/lab-state'
import './stream.css'

/** Shown while the server is stopped; a running keep-open server says so with its list of open connections (ConnectionList). */
export function KeepOpenField({ checked, onChange }: { checked: boolean; onChange: (keepOpen: boolean) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  return <CheckField label={t('fields.keepOpen')} title={t('fields.keepOpenHint')} checked={checked} testId="server-keep-open" onChange={onChange} />
}

/**
 * The client tab's stream options, folded into one small control that opens over the console: on a
 * projector's window (150% on 1280×720) a line of fields more would cost the console its lines.
 * The control says when any option is not the course's default.
 */
export function ClientStreamFields({ fields, onChange }: { fields: ClientFields; onChange: (fields: Partial<ClientFields>) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  // The tcp-client kind's description gives every tab these three (shared/kinds/tcp-client.ts, fieldsOf).
  const chunks = typeof fields.chunks === 'string' ? fields.chunks : '1'
  const nagle = fields.nagle !== false
  const session = fields.session === true
  const changed = chunks.trim() !== '1' || !nagle || session
  return (
    <details className="stream-options" data-testid="client-stream">
      <summary title={t('fields.summaryHint')} data-testid="client-stream-toggle">
        {changed ? t('fields.summaryChanged') : t('fields.summary')}
      </summary>
      <div className="stream-options-box">
        <span className="stream-field" title={t('fields.chunksHint')}>
          <TextField label={t('fields.chunks')} value={chunks} inputMode="numeric" testId="client-chunks" onChange={(chunks) => onChange({ chunks })} />
        </span>
        <CheckField label={t('fields.nagle')} title={t('fields.nagleHint')} checked={nagle} testId="client-nagle" onChange={(nagle) => onChange({ nagle })} />
        <CheckField label={t('fields.session')} title={t('fields.sessionHint')} checked={session} testId="client-session" onChange={(session) => onChange({ session })} />
      </div>
    </details>
  )
}
