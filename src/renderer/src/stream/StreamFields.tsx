// The stream options of the TCP lab, as small fields of their own beside the panels' (so that the
// panels stay as they are): the server's "Keep connections open", and per client tab the writes one
// message is cut into, Nagle's algorithm and "Stay connected" (a session: each sentence on the same
// connection, until Close).

import { useTranslation } from 'react-i18next'
import { CheckField, TextField } from '../ui/Field'
import type { ClientFields } from '../lab/lab-state'

export function KeepOpenField({ checked, disabled, onChange }: { checked: boolean; disabled: boolean; onChange: (keepOpen: boolean) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  return <CheckField label={t('fields.keepOpen')} title={t('fields.keepOpenHint')} checked={checked} disabled={disabled} testId="server-keep-open" onChange={onChange} />
}

export function ClientStreamFields({ fields, onChange }: { fields: ClientFields; onChange: (fields: Partial<ClientFields>) => void }): React.JSX.Element {
  const { t } = useTranslation('stream')
  return (
    <>
      <span className="stream-field" title={t('fields.chunksHint')}>
        <TextField label={t('fields.chunks')} value={fields.chunks} inputMode="numeric" testId="client-chunks" onChange={(chunks) => onChange({ chunks })} />
      </span>
      <CheckField label={t('fields.nagle')} title={t('fields.nagleHint')} checked={fields.nagle} testId="client-nagle" onChange={(nagle) => onChange({ nagle })} />
      <CheckField label={t('fields.session')} title={t('fields.sessionHint')} checked={fields.session} testId="client-session" onChange={(session) => onChange({ session })} />
    </>
  )
}
