// What dumpcap says on its standard error: that it has started writing (the capture is live from
// then on), and at the end how many packets the capture itself dropped. Pure, tested on its
// real output.

/**
 * dumpcap prints "File: <name>" once the interface is open and the filter is in the kernel;
 * "Capturing on ..." comes earlier, even when opening the interface is about to fail.
 */
export function isCapturing(stderr: string): boolean {
  return /^File: /m.test(stderr)
}

/** "Packets received/dropped on interface 'Loopback: lo': 12/0 (pcap:0/dumpcap:0/...)": summed over interfaces. */
export function droppedPackets(stderr: string): number | null {
  const counts = [...stderr.matchAll(/^Packets received\/dropped on interface .*: (\d+)\/(\d+)/gm)]
  if (counts.length === 0) return null
  return counts.reduce((sum, m) => sum + Number(m[2]), 0)
}
