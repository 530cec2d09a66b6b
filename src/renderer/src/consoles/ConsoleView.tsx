import { useEffect, useRef } from 'react'
import type { ConsoleRegistry } from './consoles'

/** Where one of the registry's xterm consoles is shown; the terminal itself lives outside React. */
export function ConsoleView({ registry, consoleKey, label }: { registry: ConsoleRegistry; consoleKey: string; label: string }): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => registry.attach(consoleKey, ref.current!, label), [registry, consoleKey, label])
  return <div className="console" ref={ref} role="region" aria-label={label} data-testid={`console-${consoleKey}`} />
}
