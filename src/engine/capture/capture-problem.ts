// Why capture cannot run, in one sentence that also says how to enable it on this OS (a Said of the
// catalog `wire`, with the login and the file as params: the window and `socklab watch` word it). Pure: the
// classification reads what dumpcap said, so it is tested on dumpcap's real messages. socklab
// never asks for root and never runs itself as root: every remedy here is the user's to apply once.

import os from 'node:os'
import { createI18n, type TFunction } from '../../shared/i18n/i18n'
import { said, say, type Said, type SaidParam } from '../../shared/i18n/said'
import type { CaptureProblem, CaptureProblemKind } from '../../shared/wire'

/** Whom the remedy is for: the dumpcap that was tried, and this user's login (a remedy names it, not `$USER`, which is the technician's once pasted to them). */
export interface Who {
  dumpcap?: string
  user?: string
}

/** This process's login name, for a remedy to name; `$USER` where the system cannot say. */
export function loginName(): string {
  try {
    return os.userInfo().username || '$USER'
  } catch {
    return '$USER'
  }
}

/** Debian's packaged dumpcap, the one `dpkg-reconfigure wireshark-common` sets up; any other copy needs its capabilities set by hand. */
const PACKAGED_DUMPCAP = /^\/usr\/s?bin\/dumpcap$/

type OsKey = 'linux' | 'darwin' | 'win32'
type HowKind = Exclude<CaptureProblemKind, 'failed'>

/**
 * How to enable capture on each OS, in the catalog `wire` (capture.*). `user` is the login a remedy
 * names, `tool` the file that may not be run (or "Wireshark's dumpcap").
 */
function how(os: OsKey, kind: HowKind, user: string, tool: SaidParam = said('wire:capture.dumpcap')): Said {
  switch (os) {
    case 'linux':
      if (kind === 'missing-tools') return said('wire:capture.linux.missingTools', { user })
      if (kind === 'not-runnable') return said('wire:capture.linux.notRunnable', { user, tool })
      if (kind === 'not-permitted') return said('wire:capture.linux.notPermitted', { user })
      return said('wire:capture.linux.noLoopback')
    case 'darwin':
      if (kind === 'missing-tools') return said('wire:capture.darwin.missingTools')
      if (kind === 'not-runnable') return said('wire:capture.darwin.notRunnable', { tool })
      if (kind === 'not-permitted') return said('wire:capture.darwin.notPermitted')
      return said('wire:capture.darwin.noLoopback')
    case 'win32':
      if (kind === 'missing-tools') return said('wire:capture.win32.missingTools')
      if (kind === 'not-runnable') return said('wire:capture.win32.notRunnable', { tool })
      if (kind === 'not-permitted') return said('wire:capture.win32.notPermitted')
      return said('wire:capture.win32.noLoopback')
  }
}

function osKey(platform: NodeJS.Platform): OsKey {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux'
}

export function problem(kind: CaptureProblemKind, platform: NodeJS.Platform, detail = '', who: Who = {}): CaptureProblem {
  if (kind === 'failed') return { kind, said: said('wire:capture.failed', { detail: detail || said('wire:capture.stoppedSilently') }) }
  if (kind === 'not-permitted' && osKey(platform) === 'linux') return { kind, said: linuxNotPermitted(who) }
  return { kind, said: how(osKey(platform), kind, who.user ?? loginName()) }
}

/** Debian's dumpcap is set up by dpkg-reconfigure and its group; a copy elsewhere (SOCKLAB_WIRESHARK) needs its capabilities set on that file. */
function linuxNotPermitted(who: Who): Said {
  const user = who.user ?? loginName()
  if (!who.dumpcap || PACKAGED_DUMPCAP.test(who.dumpcap)) return how('linux', 'not-permitted', user)
  return said('wire:capture.linux.notPermittedCopy', { file: who.dumpcap })
}

/** The tools were not found in the one folder the user named (SOCKLAB_WIRESHARK). */
export function missingInFolder(folder: string, missing: string[]): CaptureProblem {
  return { kind: 'missing-tools', said: missing.length === 1 ? said('wire:capture.missingInFolderOne', { tool: missing[0], folder }) : said('wire:capture.missingInFolderBoth', { folder }) }
}

/**
 * A tool is there but this user may not run it (Debian's dumpcap is `root:wireshark 0754`): the
 * fix is the group, never a reinstall. `group` is the one that owns the file, where known.
 */
export function notRunnable(platform: NodeJS.Platform, file: string, group?: string, user = loginName()): CaptureProblem {
  if (osKey(platform) !== 'linux' || !group || group === 'root') return { kind: 'not-runnable', said: how(osKey(platform), 'not-runnable', user, file) }
  return { kind: 'not-runnable', said: said('wire:capture.linux.notRunnableGroup', { file, group, user }) }
}

let english: TFunction | undefined

/** A problem's sentence in English, for an Error's message and logs; the window and the CLI word `said` in their language. */
export function problemEnglish(p: CaptureProblem): string {
  english ??= createI18n('en').t
  return say(english, p.said)
}

/**
 * What dumpcap's complaint means. `stderr` is everything it printed, `spawnCode` Node's error code
 * if it could not even be started.
 */
export function classifyFailure(platform: NodeJS.Platform, stderr: string, spawnCode?: string, who: Who = {}): CaptureProblem {
  if (spawnCode === 'ENOENT') return problem('missing-tools', platform, '', who)
  // The file is there but may not be run by this user.
  if (spawnCode === 'EACCES') return problem('not-runnable', platform, '', who)
  if (/permission|not permitted|access is denied|administrator/i.test(stderr)) return problem('not-permitted', platform, '', who)
  if (/no such device|doesn't exist|there is no device|not a valid interface|npf driver|npcap|wpcap/i.test(stderr)) return problem('no-loopback', platform)
  return problem('failed', platform, firstComplaint(stderr))
}

/** The tools' first line that says something (not their progress messages), without its "dumpcap: " prefix or trailing period. */
export function firstComplaint(stderr: string): string {
  const line = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^Capturing on|^File:|^Running as user|^\*\* \(|^tshark:$/.test(l))
  return (line ?? '').replace(/^(dumpcap|tshark): /, '').replace(/\.$/, '').slice(0, 300)
}
