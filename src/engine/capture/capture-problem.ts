// Why capture cannot run, in one sentence that also says how to enable it on this OS. Pure: the
// classification reads what dumpcap said, so it is tested on dumpcap's real messages. socklab
// never asks for root and never runs itself as root: every remedy here is the user's to apply once.

import type { CaptureProblem, CaptureProblemKind } from '../../shared/wire'

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

export function problem(kind: CaptureProblemKind, platform: NodeJS.Platform, detail = ''): CaptureProblem {
  if (kind === 'failed') return { kind, message: `Packet capture failed: ${detail || 'dumpcap stopped without saying why'}.` }
  return { kind, message: HOW[osKey(platform)][kind] }
}

/** The tools were not found in the one folder the user named (SOCKLAB_WIRESHARK). */
export function missingInFolder(folder: string, missing: string[]): CaptureProblem {
  return { kind: 'missing-tools', message: `Packet capture needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not in ${folder} (the folder SOCKLAB_WIRESHARK names): point it at Wireshark's folder, or unset it to search PATH.` }
}

/**
 * A tool is there but this user may not run it (Debian's dumpcap is `root:wireshark 0754`): the
 * fix is the group, never a reinstall. `group` is the one that owns the file, where known.
 */
export function notRunnable(platform: NodeJS.Platform, file: string, group?: string): CaptureProblem {
  if (osKey(platform) !== 'linux' || !group || group === 'root') return { kind: 'not-runnable', message: HOW[osKey(platform)]['not-runnable'].replace(/^Wireshark's dumpcap/, file) }
  return {
    kind: 'not-runnable',
    message: `${file} is installed, but you may not run it: only the group ${group} may, and your login is not in it: run \`sudo usermod -aG ${group} $USER\`, then log out and in again (reinstalling would not help).`
  }
}

/**
 * What dumpcap's complaint means. `stderr` is everything it printed, `spawnCode` Node's error code
 * if it could not even be started.
 */
export function classifyFailure(platform: NodeJS.Platform, stderr: string, spawnCode?: string): CaptureProblem {
  if (spawnCode === 'ENOENT') return problem('missing-tools', platform)
  // The file is there but may not be run by this user.
  if (spawnCode === 'EACCES') return problem('not-runnable', platform)
  if (/permission|not permitted|access is denied|administrator/i.test(stderr)) return problem('not-permitted', platform)
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
