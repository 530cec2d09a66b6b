// May this user capture on the loopback interface here? Asked the only reliable way: by trying.
// `dumpcap -L -i <loopback>` opens the interface (as a capture would) and lists its link types,
// then exits: it needs the same permission as capturing, takes a fraction of a second and sees
// no traffic.

import { execFile } from 'node:child_process'
import type { CaptureProblem } from '../../shared/wire'
import { classifyFailure, missingInFolder, notRunnable, problem } from './capture-problem'
import type { CaptureTools, ToolSearch } from './tools'
import { fileGroup, findCaptureTools, hostSearch, loopbackInterface } from './tools'

export type CaptureAvailability = { ok: true; tools: CaptureTools; iface: string } | { ok: false; problem: CaptureProblem }

const CHECK_TIMEOUT_MS = 15_000

export function locateTools(search: ToolSearch = hostSearch()): { tools: CaptureTools } | { problem: CaptureProblem } {
  const found = findCaptureTools(search)
  if (found.found) return { tools: found.tools }
  if (found.notRunnable?.length) {
    const file = found.notRunnable[0]
    return { problem: notRunnable(search.platform, file, search.platform === 'win32' ? undefined : fileGroup(file)) }
  }
  const folder = search.env.SOCKLAB_WIRESHARK
  return { problem: folder ? missingInFolder(folder, found.missing) : problem('missing-tools', search.platform) }
}

export async function checkCapture(search: ToolSearch = hostSearch()): Promise<CaptureAvailability> {
  const located = locateTools(search)
  if ('problem' in located) return { ok: false, problem: located.problem }
  const iface = loopbackInterface(search.platform)
  return new Promise((resolve) => {
    execFile(located.tools.dumpcap, ['-L', '-i', iface], { timeout: CHECK_TIMEOUT_MS, windowsHide: true, encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) return resolve({ ok: true, tools: located.tools, iface })
      if (err.killed) return resolve({ ok: false, problem: problem('failed', search.platform, `dumpcap did not answer within ${CHECK_TIMEOUT_MS / 1000} s`) })
      const code = (err as NodeJS.ErrnoException).code
      resolve({ ok: false, problem: classifyFailure(search.platform, stderr, typeof code === 'string' ? code : undefined, { dumpcap: located.tools.dumpcap }) })
    })
  })
}
