// The wire catalog's meaning as data, worded in both languages: a field's rule and a capture
// problem are a Said that the window and the CLI word, the same meaning in English and Italian.

import { describe, expect, it } from 'vitest'
import { notRunnable, problem, problemEnglish } from '../../src/engine/capture/capture-problem'
import { fields, wordedSaid } from '../../src/shared/field-rules'
import { createI18n } from '../../src/shared/i18n/i18n'
import { say } from '../../src/shared/i18n/said'
import { configProblem, configProblemSaid } from '../../src/shared/schemas'
import { stepSaid, summaryLine } from '../../src/shared/wire'

const en = createI18n('en').t
const it_ = createI18n('it').t

describe('field rules as data', () => {
  it('a port out of range: the English message the host gives, and the same meaning in Italian', () => {
    const config = { kind: 'tcp-client', address: '127.0.0.1', port: 80, recvSize: 1024, timeoutMs: 5000 }
    expect(configProblem(config)).toBe('Port must be an integer in 1024..65535')
    const s = configProblemSaid(config)!
    expect(say(en, s)).toBe('Port must be an integer in 1024..65535')
    expect(say(it_, s)).toBe('La porta deve essere un intero in 1024..65535')
    expect(configProblemSaid({ ...config, port: 12000 })).toBeNull()
  })

  it('every numeric rule says in English what its schema says, so the Said is the message', () => {
    for (const field of Object.values(fields)) {
      const message = field.schema.safeParse(-1).error!.issues[0].message
      expect(say(en, wordedSaid(message)!)).toBe(message)
      expect(say(en, field.ruleSaid)).toBe(field.rule)
      expect(say(it_, field.said)).toMatch(/ deve essere un/)
    }
  })

  it('an invalid address names the address, in both languages', () => {
    const s = configProblemSaid({ kind: 'tcp-client', address: 'a b', port: 12000, recvSize: 1024, timeoutMs: 5000 })!
    expect(say(en, s)).toBe('invalid address <a b>: expected an IPv4 address (127.0.0.1), an IPv6 address (::1) or a host name')
    expect(say(it_, s)).toBe('indirizzo non valido <a b>: serve un indirizzo IPv4 (127.0.0.1), un indirizzo IPv6 (::1) o un nome di host')
  })
})

describe('capture problems as data', () => {
  it('the login and the group are parameters: the same in both languages', () => {
    const p = notRunnable('linux', '/usr/bin/dumpcap', 'wireshark', 'mario')
    expect(problemEnglish(p)).toBe(
      '/usr/bin/dumpcap is installed, but you may not run it: only the group wireshark may, and your login (mario) is not in it: run `sudo usermod -aG wireshark mario`, then log out and in again (reinstalling would not help).'
    )
    expect(say(it_, p.said)).toBe(
      '/usr/bin/dumpcap è installato, ma non hai il permesso di eseguirlo: può farlo solo il gruppo wireshark, e il tuo utente (mario) non ne fa parte: esegui `sudo usermod -aG wireshark mario`, poi esci e rientra nella sessione (reinstallarlo non servirebbe).'
    )
  })

  it('every OS and kind has its Italian sentence, naming the login where the English does', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const kind of ['missing-tools', 'not-runnable', 'not-permitted', 'no-loopback', 'failed'] as const) {
        const p = problem(kind, platform, 'x', { user: 'mario' })
        const english = problemEnglish(p)
        const italian = say(it_, p.said)
        expect(italian).not.toBe(english)
        expect(italian.includes('mario')).toBe(english.includes('mario'))
      }
    }
  })
})

describe('the wire words', () => {
  it('a reset with bytes unread: numbers grouped as each language writes them', () => {
    const s = stepSaid({ step: 'reset', reset: { why: 'unread', by: 'client', unread: 1976, atLeast: false } })!
    expect(say(en, s)).toBe('reset: the client closed with 1,976 bytes unread')
    expect(say(it_, s)).toBe('reset: il client ha chiuso con 1.976 byte non letti')
  })

  it("socklab watch's summary line, plurals in both languages", () => {
    const summary = { packets: 1, tcpConnections: 2, udpExchanges: 0, dropped: 1234 }
    expect(summaryLine(en, summary)).toBe('1 packet, 2 TCP connections, 0 UDP exchanges, 1,234 packets dropped by the capture')
    expect(summaryLine(it_, summary)).toBe('1 pacchetto, 2 connessioni TCP, 0 scambi UDP, 1.234 pacchetti persi dalla cattura')
  })
})

describe("the console's wait for the capture", () => {
  it('the same line as the session writes in English, and in Italian', async () => {
    const { captureWaitLine } = await import('../../src/session/handlers')
    const { captureWaitSaid } = await import('../../src/shared/wire')
    for (const [ports, datagrams] of [[[12000], false], [[12000, 12001], true]] as const) {
      expect(say(en, captureWaitSaid(ports, datagrams))).toBe(captureWaitLine([...ports], datagrams))
    }
    expect(say(it_, captureWaitSaid([12000], false))).toBe('In attesa che la cattura includa la porta 12000, perché lo handshake compaia nella vista Pacchetti…')
  })
})
