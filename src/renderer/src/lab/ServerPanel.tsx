import { formatSockAddr } from '../../../shared/events'
import type { ConsoleRegistry } from '../consoles/consoles'
import type { LabState, ServerFields } from './lab-state'
import { serverConsole } from './lab-state'
import { reachOf } from './reach'
import { ConsoleView } from '../consoles/ConsoleView'
import { TextField } from '../ui/Field'
import { KindFields } from './KindFields'
import { ENDPOINT_KINDS, LAB_ROWS } from '../../../shared/endpoint-kinds'
import { serverOf } from '../../../shared/kinds'
import { useTranslation } from 'react-i18next'
import { useWords, type Words } from '../ui/use-words'

interface Props {
  lab: LabState
  registry: ConsoleRegistry
  problem?: Words
  canChooseFolder: boolean
  onChange: (fields: Partial<ServerFields>) => void
  onPort: (port: string) => void
  onStart: () => void
  onStop: () => void
  onChooseFolder: () => void
  /** More fields, after the kind's own (the TCP server's Keep connections open, or its open connections). */
  moreFields?: React.ReactNode
}

export function ServerPanel({ lab, registry, problem, canChooseFolder, onChange, onPort, onStart, onStop, onChooseFolder, moreFields }: Props): React.JSX.Element {
  const { t } = useTranslation('lab')
  const words = useWords()
  const s = lab.server
  const running = lab.run !== undefined
  // What differs between kinds is in the lab's server kind's description: its fields, its status.
  const d = serverOf(lab.kind)
  const labTitle = LAB_ROWS[lab.kind].title
  const title = t('names.serverTitle', { lab: labTitle })
  const where = lab.run?.local ? formatSockAddr(lab.run.local) : '…'
  const reach = lab.run ? reachOf(lab.run.local?.address ?? s.address, ENDPOINT_KINDS[d.kind].proto === 'UDP') : undefined
  return (
    <section className="panel" aria-label={title} data-testid="server-panel">
      <header className="panel-head">
        <h2>{title}</h2>
        <span className={running ? 'status on' : 'status'} data-testid="server-status" role="status">
          {running ? words(d.running(where)) : t('server.stopped')}
        </span>
        {reach && (
          <span className={`reach ${reach.kind}`} title={words(reach.long)} data-testid="server-reach">
            {words(reach.short)}
          </span>
        )}
        <div className="actions">
          {running ? (
            <button type="button" className="primary" onClick={onStop} disabled={lab.serverBusy} data-testid="server-stop">
              {t('server.stop')}
            </button>
          ) : (
            <button type="button" className="primary" onClick={onStart} disabled={lab.serverBusy} data-testid="server-start">
              {t('server.start')}
            </button>
          )}
        </div>
      </header>
      <div className="fields">
        <TextField label={t('server.address')} value={s.address} disabled={running} testId="server-address" onChange={(address) => onChange({ address, addressEdited: true })} />
        <TextField label={t('server.port')} value={s.port} disabled={running} inputMode="numeric" testId="server-port" onChange={onPort} />
        <KindFields
          specs={d.fields}
          values={s}
          disabled={running}
          onChange={(change) => onChange(change as Partial<ServerFields>)}
          folderButton={
            canChooseFolder && (
              <button type="button" disabled={running} onClick={onChooseFolder} data-testid="server-choose-folder">
                {t('server.chooseFolder')}
              </button>
            )
          }
        />
        {moreFields}
      </div>
      <p className="problem" role="alert" data-testid="server-problem">
        {words(problem)}
      </p>
      <ConsoleView registry={registry} consoleKey={serverConsole(lab.kind)} label={t('names.serverConsole', { lab: labTitle })} />
    </section>
  )
}
