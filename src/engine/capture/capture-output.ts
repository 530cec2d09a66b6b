// What the capture tools say on standard error: that capturing has begun, and at the end how many
// packets the capture itself dropped. Pure, tested on their real output.

/**
 * The capture is live once the file it writes is open: dumpcap prints `File: <name>` and tshark
 * 4.x logs `-- File: "<name>"`, both only after the interface is open and the filter is in the
 * kernel. "Capturing on ..." is printed earlier, even when opening the interface then fails.
 */
export function isCapturing(stderr: string): boolean {
  return /(^|-- )File: /m.test(stderr)
}

/** tshark says "Capturing on" before it knows whether it may; older versions log nothing more when it works. */
export function saidCapturingOn(stderr: string): boolean {
  return /^Capturing on /m.test(stderr)
}

/**
 * The capture's own drops, from its last words: tshark's "N packets dropped from lo" (printed
 * only when N > 0, after which "M packets captured" always comes), or dumpcap's
 * "Packets received/dropped on interface 'lo': M/N". Null when it ended without saying.
 */
export function droppedPackets(stderr: string): number | null {
  const dumpcap = [...stderr.matchAll(/^Packets received\/dropped on interface .*: \d+\/(\d+)/gm)]
  if (dumpcap.length) return dumpcap.reduce((sum, m) => sum + Number(m[1]), 0)
  const tshark = [...stderr.matchAll(/^(\d+) packets? dropped\b/gm)]
  if (tshark.length) return tshark.reduce((sum, m) => sum + Number(m[1]), 0)
  return /^\d+ packets? captured$/m.test(stderr) ? 0 : null
}
