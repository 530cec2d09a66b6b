// Why capture cannot run, in one sentence that also says how to enable it on this OS. Pure: the
// classification reads what dumpcap said, so it is tested on dumpcap's real messages. socklab
// never asks for root and never runs itself as root: every remedy here is the user's to apply once.

import type { CaptureProblem, CaptureProblemKind } from '../../shared/wire'

const HOW: Record<'linux' | 'darwin' | 'win32', Record<Exclude<CaptureProblemKind, 'failed'>, string>> = {
  linux: {
    'missing-tools':
      "Packet capture needs Wireshark's dumpcap and tshark, which are not installed: on Debian or Ubuntu run `sudo apt install tshark` (answer Yes to letting non-superusers capture), then `sudo usermod -aG wireshark $USER` and log out and in again.",
    'not-permitted':
      'You may not capture packets on this machine yet: run `sudo dpkg-reconfigure wireshark-common` (answer Yes), then `sudo usermod -aG wireshark $USER`, and log out and in again (socklab never runs as root itself).',
    'no-loopback': 'dumpcap cannot open the loopback interface `lo`: check that it exists with `dumpcap -D`.'
  },
  darwin: {
    'missing-tools':
      'Packet capture needs Wireshark, which is not installed: install it from wireshark.org (drag Wireshark.app to Applications) together with its "Install ChmodBPF" package, then log out and in again.',
    'not-permitted':
      'You may not capture packets yet: install Wireshark\'s ChmodBPF (the "Install ChmodBPF" package in the Wireshark disk image) so that your user can open the capture devices, then log out and in again.',
    'no-loopback': 'dumpcap cannot open the loopback interface `lo0`: check that it exists with `dumpcap -D`.'
  },
  win32: {
    'missing-tools':
      'Packet capture needs Wireshark, which is not installed (it is neither on PATH nor in C:\\Program Files\\Wireshark): install it from wireshark.org together with Npcap, ticking Npcap\'s "Support loopback traffic" option.',
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
 * What dumpcap's complaint means. `stderr` is everything it printed, `spawnCode` Node's error code
 * if it could not even be started.
 */
export function classifyFailure(platform: NodeJS.Platform, stderr: string, spawnCode?: string): CaptureProblem {
  if (spawnCode === 'ENOENT') return problem('missing-tools', platform)
  if (spawnCode === 'EACCES') return problem('not-permitted', platform)
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
