// Why capture cannot run, in one sentence that also says how to enable it on this OS. Pure: the
// classification reads what dumpcap said, so it is tested on dumpcap's real messages. socklab
// never asks for root and never runs itself as root: every remedy here is the user's to apply once.

import os from 'node:os'
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

const HOW: Record<'linux' | 'darwin' | 'win32', Record<Exclude<CaptureProblemKind, 'failed'>, string>> = {
  linux: {
    'missing-tools':
      "Packet capture needs Wireshark's dumpcap and tshark, which are not installed: on Debian or Ubuntu run `sudo apt install tshark` (answer Yes to letting non-superusers capture), then `sudo usermod -aG wireshark $USER` and log out and in again.",
    'not-runnable':
      "Wireshark's dumpcap is installed, but you may not run it: add your user to the group that owns it (on Debian or Ubuntu `sudo usermod -aG wireshark $USER`), then log out and in again; do not reinstall it.",
    'not-permitted':
      'You may not capture packets on this machine yet: dumpcap is installed and runs, but may not capture for users other than root: run `sudo dpkg-reconfigure wireshark-common` (answer Yes), then `sudo usermod -aG wireshark $USER`, and log out and in again (socklab never runs as root itself).',
    'no-loopback': 'dumpcap cannot open the loopback interface `lo`: check that it exists with `dumpcap -D`.'
  },
  darwin: {
    'missing-tools':
      'Packet capture needs Wireshark, which is not installed: install it from wireshark.org (drag Wireshark.app to Applications) together with its "Install ChmodBPF" package, then log out and in again.',
    'not-runnable': "Wireshark's dumpcap is installed, but you may not run it: ask whoever installed Wireshark to let your user run the files in Wireshark.app, then log out and in again.",
    'not-permitted':
      'You may not capture packets yet: install Wireshark\'s ChmodBPF (the "Install ChmodBPF" package in the Wireshark disk image) so that your user can open the capture devices, then log out and in again.',
    'no-loopback': 'dumpcap cannot open the loopback interface `lo0`: check that it exists with `dumpcap -D`.'
  },
  win32: {
    'missing-tools':
      'Packet capture needs Wireshark, which is not installed (it is neither on PATH nor in C:\\Program Files\\Wireshark): install it from wireshark.org together with Npcap, ticking Npcap\'s "Support loopback traffic" option.',
    'not-runnable': "Wireshark's dumpcap is installed, but you may not run it: ask whoever installed Wireshark to let your user run the files in its folder.",
    'not-permitted':
      'You may not capture packets: Npcap was installed for Administrators only; reinstall Npcap without "Restrict Npcap driver\'s access to Administrators only".',
    'no-loopback':
      'Wireshark cannot see loopback traffic: Npcap is missing or was installed without loopback support; reinstall Npcap (it comes with Wireshark) and tick "Support loopback traffic".'
  }
}

function osKey(platform: NodeJS.Platform): 'linux' | 'darwin' | 'win32' {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux'
}

export function problem(kind: CaptureProblemKind, platform: NodeJS.Platform, detail = '', who: Who = {}): CaptureProblem {
  if (kind === 'failed') return { kind, message: `Packet capture failed: ${detail || 'dumpcap stopped without saying why'}.` }
  if (kind === 'not-permitted' && osKey(platform) === 'linux') return { kind, message: linuxNotPermitted(who) }
  return { kind, message: HOW[osKey(platform)][kind].replaceAll('$USER', who.user ?? loginName()) }
}

/** Debian's dumpcap is set up by dpkg-reconfigure and its group; a copy elsewhere (SOCKLAB_WIRESHARK) needs its capabilities set on that file. */
function linuxNotPermitted(who: Who): string {
  const user = who.user ?? loginName()
  if (!who.dumpcap || PACKAGED_DUMPCAP.test(who.dumpcap)) return HOW.linux['not-permitted'].replaceAll('$USER', user)
  return `You may not capture packets on this machine yet: ${who.dumpcap} runs, but may not capture for users other than root: give that file the capture capabilities with \`sudo setcap cap_net_raw,cap_net_admin+eip ${who.dumpcap}\` (dpkg-reconfigure sets up only Debian's own /usr/bin/dumpcap); socklab never runs as root itself.`
}

/** The tools were not found in the one folder the user named (SOCKLAB_WIRESHARK). */
export function missingInFolder(folder: string, missing: string[]): CaptureProblem {
  return { kind: 'missing-tools', message: `Packet capture needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not in ${folder} (the folder SOCKLAB_WIRESHARK names): point it at Wireshark's folder, or unset it to search PATH.` }
}

/**
 * A tool is there but this user may not run it (Debian's dumpcap is `root:wireshark 0754`): the
 * fix is the group, never a reinstall. `group` is the one that owns the file, where known.
 */
export function notRunnable(platform: NodeJS.Platform, file: string, group?: string, user = loginName()): CaptureProblem {
  if (osKey(platform) !== 'linux' || !group || group === 'root')
    return { kind: 'not-runnable', message: HOW[osKey(platform)]['not-runnable'].replace(/^Wireshark's dumpcap/, file).replaceAll('$USER', user) }
  return {
    kind: 'not-runnable',
    message: `${file} is installed, but you may not run it: only the group ${group} may, and your login (${user}) is not in it: run \`sudo usermod -aG ${group} ${user}\`, then log out and in again (reinstalling would not help).`
  }
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
