import { formatSockAddr } from '../../../shared/events'
import type { ConsoleRegistry } from '../consoles/consoles'
import type { LabState, ServerFields } from './lab-state'
import { serverConsole } from './lab-state'
import { reachOf } from './reach'
import { ConsoleView } from '../consoles/ConsoleView'
import { CheckField, TextField } from '../ui/Field'
import { useTranslation } from 'react-i18next'
import { useWords, type Words } from '../ui/use-words'
import { PingServerFields } from '../pinger/PingFields'

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
}

export function ServerPanel({ lab, registry, problem, canChooseFolder, onChange, onPort, onStart, onStop, onChooseFolder }: Props): React.JSX.Element {
  const { t } = useTranslation('lab')
  const { t: pingT } = useTranslation('pinger')
  const words = useWords()
  const s = lab.server
  const running = lab.run !== undefined
  const udp = lab.kind === 'udp' || lab.kind === 'ping'
  const title = lab.kind === 'ping' ? pingT('server.title') : t('names.serverTitle', { lab: lab.kind.toUpperCase() })
  const where = lab.run?.local ? formatSockAddr(lab.run.local) : '…'
  const reach = lab.run ? reachOf(lab.run.local?.address ?? s.address, udp) : undefined
  return (
    <section className="panel" aria-label={title} data-testid="server-panel">
      <header className="panel-head">
        <h2>{title}</h2>
        <span className={running ? 'status on' : 'status'} data-testid="server-status" role="status">
          {running ? (udp ? t('server.boundTo', { address: where }) : t('server.listeningOn', { address: where })) : t('server.stopped')}
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
        {lab.kind === 'ping' && <PingServerFields fields={s} disabled={running} onChange={onChange} />}
        {(lab.kind === 'tcp' || lab.kind === 'udp') && (
          <TextField label={lab.kind === 'udp' ? t('server.recvfromSize') : t('server.recvSize')} value={s.recvSize} disabled={running} inputMode="numeric" testId="server-recv-size" onChange={(recvSize) => onChange({ recvSize })} />
        )}
        {lab.kind === 'tcp' && (
          <CheckField
            label={t('server.concurrent')}
            title={t('server.concurrentHint')}
            checked={s.concurrent}
            disabled={running}
            testId="server-concurrent"
            onChange={(concurrent) => onChange({ concurrent })}
          />
        )}
        {lab.kind === 'http' && (
          <>
            <TextField label={t('server.root')} value={s.root} title={s.root} disabled={running} wide testId="server-root" onChange={(root) => onChange({ root })} />
            {canChooseFolder && (
              <button type="button" disabled={running} onClick={onChooseFolder} data-testid="server-choose-folder">
                {t('server.chooseFolder')}
              </button>
            )}
          </>
        )}
      </div>
      <p className="problem" role="alert" data-testid="server-problem">
        {words(problem)}
      </p>
      <ConsoleView registry={registry} consoleKey={serverConsole(lab.kind)} label={t('names.serverConsole', { lab: lab.kind.toUpperCase() })} />
    </section>
  )
}
