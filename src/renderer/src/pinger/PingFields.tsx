// The Pinger lab's own fields and buttons, in the server and client panels: the server's loss in
// per cent (empty: the textbook's randint(0, 10) < 4) and seed; the client's count, timeout and
// pause between pings, and Ping / Stop.

import { useTranslation } from 'react-i18next'
import type { ClientFields, ServerFields } from '../lab/lab-state'
import { TextField } from '../ui/Field'

export function PingServerFields({ fields, disabled, onChange }: { fields: ServerFields; disabled: boolean; onChange: (f: Partial<ServerFields>) => void }): React.JSX.Element {
  const { t } = useTranslation('pinger')
  return (
    <>
      <TextField label={t('field.loss')} value={fields.loss} placeholder={t('server.lossPlaceholder')} disabled={disabled} inputMode="decimal" testId="ping-loss-field" onChange={(loss) => onChange({ loss })} />
      <TextField label={t('field.seed')} value={fields.seed} placeholder={t('server.seedPlaceholder')} disabled={disabled} inputMode="numeric" testId="ping-seed" onChange={(seed) => onChange({ seed })} />
    </>
  )
}

/** The client's fields, then (`children`) Ping and Stop on the same wrapping row: no line of its own where there is room. */
export function PingClientFields({ fields, onChange, children }: { fields: ClientFields; onChange: (f: Partial<ClientFields>) => void; children?: React.ReactNode }): React.JSX.Element {
  const { t } = useTranslation('lab')
  const { t: pingT } = useTranslation('pinger')
  return (
    <>
      <TextField label={t('client.address')} value={fields.address} testId="client-address" onChange={(address) => onChange({ address, addressEdited: true })} />
      <TextField label={t('client.port')} value={fields.port} inputMode="numeric" testId="client-port" onChange={(port) => onChange({ port, portEdited: true })} />
      <TextField label={pingT('client.count')} value={fields.count} inputMode="numeric" testId="ping-count" onChange={(count) => onChange({ count })} />
      <TextField label={pingT('client.timeout')} value={fields.timeout} inputMode="decimal" testId="client-timeout" onChange={(timeout) => onChange({ timeout })} />
      <TextField label={pingT('client.interval')} title={pingT('client.intervalHint')} value={fields.interval} inputMode="decimal" testId="ping-interval" onChange={(interval) => onChange({ interval })} />
      {children}
    </>
  )
}

/** Ping and Stop, and the client's status beside them (the panel's head has no room for it in this lab). */
export function PingControls({ busy, status, onPing, onStop }: { busy: boolean; status: string; onPing: () => void; onStop: () => void }): React.JSX.Element {
  const { t } = useTranslation('pinger')
  return (
    <>
      <button type="button" className="primary" disabled={busy} onClick={onPing} data-testid="client-send">
        {t('client.ping')}
      </button>
      {busy && (
        <button type="button" onClick={onStop} title={t('client.stopHint')} data-testid="client-cancel">
          {t('client.stop')}
        </button>
      )}
      <span className="status ping-status" role="status" data-testid="ping-status">
        {status}
      </span>
    </>
  )
}
