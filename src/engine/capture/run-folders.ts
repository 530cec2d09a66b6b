// The temporary folders a capture writes in (its pcapng files, dumpcap's pipe), and the one that
// hands `socklab web`'s address to the browser (its launch page), are named after
// the socklab process that made them: socklab-<kind>-<pid>-XXXXXX in the system's temp folder.
// A run that could not clean up (killed with its watchdog, a power cut) leaves one behind; the
// next socklab of the same user removes it at start, once that pid no longer runs. Another live
// run's folders, and other users', are left alone.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { toolWatchdog } from './tool-watchdog'

const NAME = /^socklab-(capture|feed|launch)-(\d+)-[A-Za-z0-9]{6}$/

/** A new folder of this process for `kind`, removed by the watchdog if socklab ends without removing it. */
export function runFolder(kind: 'capture' | 'feed' | 'launch', tmp = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(tmp, `socklab-${kind}-${process.pid}-`))
  toolWatchdog.guardFolder(dir)
  return dir
}

/** Removes a folder of runFolder() and tells the watchdog it is gone. */
export function removeRunFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true })
  toolWatchdog.releaseFolder(dir)
}

/** Removes this user's folders whose socklab process is gone; returns their paths. */
export function removeStaleFolders(tmp = os.tmpdir()): string[] {
  const uid = process.getuid?.()
  let names: string[]
  try {
    names = fs.readdirSync(tmp)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    const m = NAME.exec(name)
    if (!m) continue
    const dir = path.join(tmp, name)
    try {
      const s = fs.lstatSync(dir)
      if (!s.isDirectory() || (uid !== undefined && s.uid !== uid) || isRunning(Number(m[2]))) continue
      fs.rmSync(dir, { recursive: true, force: true })
      removed.push(dir)
    } catch {
      // Gone meanwhile, or not ours to remove: left as it is.
    }
  }
  return removed
}

/** Whether a process with this pid runs (another user's too: EPERM says it exists). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
