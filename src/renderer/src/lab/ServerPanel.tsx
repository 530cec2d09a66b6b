import { formatSockAddr } from '../../../shared/events'
import type { ConsoleRegistry } from '../consoles/consoles'
import type { LabState, ServerFields } from './lab-state'
import { serverConsole } from './lab-state'
import { reachOf } from './reach'
import { ConsoleView } from '../consoles/ConsoleView'
import { CheckField, TextField } from '../ui/Field'

interface Props {
  lab: LabState
  registry: ConsoleRegistry
  problem?: string
  canChooseFolder: boolean
  onChange: (fields: Partial<ServerFields>) => void
  onPort: (port: string) => void
  onStart: () => void
  onStop: () => void
  onChooseFolder: () => void
}

export function ServerPanel({ lab, registry, problem, canChooseFolder, onChange, onPort, onStart, onStop, onChooseFolder }: Props): React.JSX.Element {
  const s = lab.server
  const running = lab.run !== undefined
  const title = lab.kind === 'http' ? 'HTTP server' : `${lab.kind.toUpperCase()} server`
  const reach = lab.run ? reachOf(lab.run.local?.address ?? s.address) : undefined
  return (
    <section className="panel" aria-label={title} data-testid="server-panel">
      <header className="panel-head">
        <h2>{title}</h2>
        <span className={running ? 'status on' : 'status'} data-testid="server-status" role="status">
          {running ? `${lab.kind === 'udp' ? 'bound to' : 'listening on'} ${lab.run?.local ? formatSockAddr(lab.run.local) : '…'}` : 'stopped'}
        </span>
        {reach && (
          <span className={`reach ${reach.kind}`} title={reach.long} data-testid="server-reach">
            {reach.short}
          </span>
        )}
        <div className="actions">
          {running ? (
            <button type="button" className="primary" onClick={onStop} disabled={lab.serverBusy} data-testid="server-stop">
              Stop server
            </button>
          ) : (
            <button type="button" className="primary" onClick={onStart} disabled={lab.serverBusy} data-testid="server-start">
              Start server
            </button>
          )}
        </div>
      </header>
      <div className="fields">
        <TextField label="Address" value={s.address} disabled={running} testId="server-address" onChange={(address) => onChange({ address, addressEdited: true })} />
        <TextField label="Port" value={s.port} disabled={running} inputMode="numeric" testId="server-port" onChange={onPort} />
        {lab.kind !== 'http' && (
          <TextField label={lab.kind === 'udp' ? 'recvfrom size' : 'recv size'} value={s.recvSize} disabled={running} inputMode="numeric" testId="server-recv-size" onChange={(recvSize) => onChange({ recvSize })} />
        )}
        {lab.kind === 'tcp' && (
          <CheckField
            label="Serve clients concurrently"
            title="Off: one connection at a time, like the course's server (the others wait). On: every connection at once."
            checked={s.concurrent}
            disabled={running}
            testId="server-concurrent"
            onChange={(concurrent) => onChange({ concurrent })}
          />
        )}
        {lab.kind === 'http' && (
          <>
            <TextField label="Folder to serve" value={s.root} title={s.root} disabled={running} wide testId="server-root" onChange={(root) => onChange({ root })} />
            {canChooseFolder && (
              <button type="button" disabled={running} onClick={onChooseFolder} data-testid="server-choose-folder">
                Choose folder…
              </button>
            )}
          </>
        )}
      </div>
      <p className="problem" role="alert" data-testid="server-problem">
        {problem ?? ''}
      </p>
      <ConsoleView registry={registry} consoleKey={serverConsole(lab.kind)} label={`${title} console`} />
    </section>
  )
}
