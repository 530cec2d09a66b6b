// Opens a page in the user's default browser with the system's own opener, as `code .` or
// `jupyter notebook` do. Best effort: a machine with no desktop (SSH, a container) simply has none.

import { spawn } from 'node:child_process'

function opener(url: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [url] }
  // `start` is built into cmd; its first quoted argument is a window title, hence the empty one.
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', `"${url}"`] }
  return { command: 'xdg-open', args: [url] }
}

/** Starts the opener detached (closing socklab leaves the browser open); `onFailure` runs if it cannot do it. */
export function openInBrowser(url: string, onFailure: () => void): void {
  const { command, args } = opener(url)
  let failed = false
  const fail = (): void => {
    if (!failed) onFailure()
    failed = true
  }
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true, windowsVerbatimArguments: true })
    child.once('error', fail)
    child.once('exit', (code) => code !== 0 && fail())
    child.unref()
  } catch {
    fail()
  }
}
