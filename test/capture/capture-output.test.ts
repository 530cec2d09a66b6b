// What the capture tools print, read: the start, the drop count, and failures turned into one
// sentence. The texts are what tshark 4.0 and dumpcap printed on this project's Debian machine.

import { describe, expect, it } from 'vitest'
import { droppedPackets, isCapturing, saidCapturingOn } from '../../src/engine/capture/capture-output'
import { classifyFailure, firstComplaint, problemEnglish } from '../../src/engine/capture/capture-problem'
import { createI18n } from '../../src/shared/i18n/i18n'
import { say } from '../../src/shared/i18n/said'
import { captureFilter } from '../../src/engine/capture/capture-filter'

const started = ['Capturing on \'Loopback: lo\'', ' ** (tshark:24256) 10:56:26.706217 [Main MESSAGE] -- Capture started.', ' ** (tshark:24256) 10:56:26.706429 [Main MESSAGE] -- File: "/tmp/wireshark_loJWPJZ3.pcapng"', ''].join('\n')
const refused = ['Capturing on \'Loopback: lo\'', 'tshark: You do not have permission to capture on device "lo".', '(socket: Operation not permitted)', 'Please check to make sure you have sufficient permissions.', ''].join('\n')

describe('capture tools output', () => {
  it('live only once the capture file is open, not at "Capturing on"', () => {
    expect(isCapturing(started)).toBe(true)
    expect(isCapturing('Capturing on \'Loopback: lo\'\nFile: -\n')).toBe(true)
    expect(isCapturing(refused)).toBe(false)
    expect(saidCapturingOn(refused)).toBe(true)
  })

  it('the drop count: tshark names it only when there were drops; dumpcap always', () => {
    expect(droppedPackets(`${started}25090 packets dropped from lo\ntshark: \n187454 packets captured\n`)).toBe(25090)
    expect(droppedPackets(`${started}tshark: \n24 packets captured\n`)).toBe(0)
    expect(droppedPackets(`${started}tshark: \n1 packet captured\n`)).toBe(0)
    expect(droppedPackets("Packets received/dropped on interface 'Loopback: lo': 12/3 (pcap:3/dumpcap:0/flushed:0/ps_ifdrop:0) (100.0%)\n")).toBe(3)
    // Killed before it could say: unknown, not zero.
    expect(droppedPackets(started)).toBeNull()
  })

  it('failures in one sentence: permission, a missing interface, anything else with the tool’s own first line', () => {
    expect(classifyFailure('linux', refused).kind).toBe('not-permitted')
    expect(classifyFailure('linux', 'dumpcap: The capabilities of the capture device "nosuch" could not be obtained (pcap_activate() failed: No such device exists).').kind).toBe('no-loopback')
    expect(classifyFailure('linux', '', 'ENOENT').kind).toBe('missing-tools')
    const other = classifyFailure('linux', `Capturing on 'Loopback: lo'\ntshark: Invalid capture filter "udp port 1 or" for interface 'lo'.\n\nThat string isn't a valid capture filter.`)
    expect(other.kind).toBe('failed')
    expect(problemEnglish(other)).toBe(`Packet capture failed: Invalid capture filter "udp port 1 or" for interface 'lo'.`)
    // The tool's own words stay as it said them; socklab's around them follow the language.
    expect(say(createI18n('it').t, other.said)).toBe(`La cattura dei pacchetti non è riuscita: Invalid capture filter "udp port 1 or" for interface 'lo'.`)
    expect(firstComplaint(`${started}tshark: \n`)).toBe('')
  })

  it('each OS gets its own remedy, never "run as root"', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const kind of ['missing-tools', 'not-permitted', 'no-loopback'] as const) {
        const m = classifyFailure(platform, kind === 'not-permitted' ? 'permission denied' : kind === 'no-loopback' ? 'No such device' : '', kind === 'missing-tools' ? 'ENOENT' : undefined)
        expect(m.kind).toBe(kind)
        expect(problemEnglish(m)).not.toMatch(/run (it |socklab )?as root|sudo socklab/i)
      }
    }
    expect(problemEnglish(classifyFailure('win32', '', 'ENOENT'))).toMatch(/Npcap/)
    expect(problemEnglish(classifyFailure('darwin', 'cannot open BPF device /dev/bpf0: Permission denied'))).toMatch(/ChmodBPF/)
    expect(problemEnglish(classifyFailure('linux', refused))).toMatch(/wireshark-common.*usermod -aG wireshark/)
  })
})

describe('capture filter', () => {
  it('the lab ports only, TCP and UDP, both families unless one is asked for', () => {
    expect(captureFilter([12000])).toBe('(tcp or udp) and (port 12000)')
    expect(captureFilter([12000, 8080, 12000])).toBe('(tcp or udp) and (port 12000 or port 8080)')
    expect(captureFilter([12000], ['IPv6'])).toBe('ip6 and (tcp or udp) and (port 12000)')
    expect(captureFilter([12000], ['IPv4'])).toBe('ip and (tcp or udp) and (port 12000)')
    expect(() => captureFilter([])).toThrow()
    expect(() => captureFilter([70000])).toThrow()
  })
})
