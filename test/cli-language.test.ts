// The CLI's own words in Italian and English: --lang it|en, else LC_ALL / LC_MESSAGES / LANG, as a
// lab PC's terminal sets them. Real socklab processes through pipes; the course programs' lines are
// the same in both languages.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { COMMANDS, parseOptions, topUsage, usage } from '../src/cli/args'
import { writeLaunchFile } from '../src/cli/launch-file'
import { parseWatchOptions, watchUsage } from '../src/cli/watch'
import { setCliLang, spoken } from '../src/cli/words'
import { createI18n } from '../src/shared/i18n/i18n'
import { say } from '../src/shared/i18n/said'
import { summaryLine } from '../src/shared/wire'
import { captureSkipReason, sleep } from './helpers/capture'
import { freePort, langEnv, python, runSocklab, socklab } from './helpers/processes'

const IT = { env: langEnv('it') }
const EN = { env: langEnv('en') }

/** The lines that are data in every language: the lists of programs, and blank lines. */
const DATA_LINES = new Set(['', '  tcp-server   tcp-client   udp-server   udp-client   http-server   http-client', '  web', '  watch', '  relay   udp-ping   udp-ping-server', '  check tcp-server|udp-server|http-server|tcp-client|udp-client|udp-ping-client', '  addresses [--json]'])

/** The words of each line of a usage text after `-->` (or the whole line where it has none). */
const wordsOf = (text: string): string[] => text.split('\n').map((line) => line.replace(/^.*?--> /, ''))

describe('socklab -h and --help', () => {
  it('under LANG=it_IT.UTF-8, the list of programs is Italian on every line that is not data', async () => {
    const it = await runSocklab(['--help'], undefined, undefined, IT)
    const en = await runSocklab(['--help'], undefined, undefined, EN)
    expect(it.code).toBe(0)
    expect(it.stdout).toMatch(/^Uso: socklab <programma> \[opzioni\] {6}\(socklab <programma> -h per le sue opzioni\)\n/)
    expect(it.stdout).toContain('\nI programmi con i socket del corso, su socket veri:\n')
    // --lang is documented.
    expect(it.stdout).toContain('--lang it|en')
    expect(en.stdout).toMatch(/^Usage: socklab <program> \[options\]/)
    const itLines = it.stdout.split('\n')
    const enLines = en.stdout.split('\n')
    expect(itLines).toHaveLength(enLines.length)
    itLines.forEach((line, i) => {
      if (DATA_LINES.has(enLines[i])) expect(line).toBe(enLines[i])
      else expect(line, `line ${i + 1} is translated`).not.toBe(enLines[i])
    })
  })

  it('socklab tcp-client -h under LANG=it_IT.UTF-8 is Italian; its options and their defaults are as typed', async () => {
    const r = await runSocklab(['tcp-client', '-h'], undefined, undefined, IT)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('Uso: socklab tcp-client [-a IND] [-p N] [-6] [-m TESTO | --session] [--timeout S] [--recv-size N] [--chunks N [--chunk-delay MS]] [--nodelay]')
    expect(lines[1]).toBe('Il client TCP del corso: si connette, invia una frase, stampa la risposta, chiude.')
    expect(lines).toContain('-p N             --> numero di porta in 1024..65535 (predefinito 12000)')
    // A value to type stays as it is typed: 1024, not 1.024.
    expect(lines).toContain('--recv-size N    --> byte letti dall’unica recv() della risposta (predefinito 1024)')
    expect(lines).toContain('--lang it|en     --> la lingua delle parole di socklab (predefinito: LC_ALL, LC_MESSAGES o LANG)')
    expect(lines).toContain('--chunks N       --> invia ogni frase in N scritture (1..64, predefinito 1): TCP può consegnarle in una lettura')
    expect(lines).toContain('--session        --> resta connesso: invia ogni riga dello standard input come viene digitata o')
    expect(lines.at(-1)).toBe('-h               --> aiuto')
  })

  it('every program\'s -h is Italian under LANG=it_IT.UTF-8, line by line, beside its English', async () => {
    for (const program of [...COMMANDS, 'watch']) {
      // Two at a time, each given a minute: on a loaded lab machine a start may take seconds.
      const [it, en] = await Promise.all([runSocklab([program, '-h'], undefined, 60_000, IT), runSocklab([program, '-h'], undefined, 60_000, EN)])
      expect(it.code, program).toBe(0)
      expect(it.stdout).toMatch(new RegExp(`^Uso: socklab ${program} `))
      expect(en.stdout).toMatch(new RegExp(`^Usage: socklab ${program} `))
      const itWords = wordsOf(it.stdout.trimEnd())
      const enWords = wordsOf(en.stdout.trimEnd())
      expect(itWords, program).toHaveLength(enWords.length)
      itWords.forEach((words, i) => expect(words, `${program} -h, line ${i + 1}`).not.toBe(enWords[i]))
    }
  }, 180_000)

  it('--lang en overrides LANG=it_IT.UTF-8, and --lang it overrides LANG=C.UTF-8, before or after the program', async () => {
    for (const args of [['--lang', 'en', 'tcp-client', '-h'], ['tcp-client', '-h', '--lang', 'en'], ['tcp-client', '--lang=en', '-h']]) {
      const r = await runSocklab(args, undefined, undefined, IT)
      expect(r.code, args.join(' ')).toBe(0)
      expect(r.stdout, args.join(' ')).toMatch(/^Usage: socklab tcp-client \[-a ADDR\]/)
    }
    const it = await runSocklab(['--lang', 'it', 'udp-server', '-h'], undefined, undefined, EN)
    expect(it.stdout).toMatch(/^Uso: socklab udp-server \[-a IND\]/)
  })

  it('LC_ALL=C gives English even with LANG=it_IT.UTF-8; LC_MESSAGES=it_IT.UTF-8 gives Italian with LANG=C.UTF-8', async () => {
    const c = await runSocklab(['tcp-client', '-h'], undefined, undefined, { env: { ...langEnv('it'), LC_ALL: 'C' } })
    expect(c.stdout).toMatch(/^Usage: socklab tcp-client /)
    const messages = await runSocklab(['tcp-client', '-h'], undefined, undefined, { env: { ...langEnv('en'), LC_MESSAGES: 'it_IT.UTF-8' } })
    expect(messages.stdout).toMatch(/^Uso: socklab tcp-client /)
  })

  it('a --lang socklab does not speak is one ERROR line and exit status 2, in the environment\'s language', async () => {
    const it = await runSocklab(['--lang', 'de', 'tcp-server'], undefined, undefined, IT)
    expect(it.code).toBe(2)
    expect(it.stdout).toBe('')
    expect(it.stderr).toBe('ERROR: --lang deve essere it o en, non <de>\n')
    const en = await runSocklab(['tcp-server', '--lang=fr_FR'], undefined, undefined, EN)
    expect(en.code).toBe(2)
    expect(en.stderr).toBe('ERROR: --lang must be it or en, not <fr_FR>\n')
    const none = await runSocklab(['tcp-server', '--lang'], undefined, undefined, EN)
    expect(none.code).toBe(2)
    expect(none.stderr).toBe('ERROR: --lang needs a language: it or en\n')
  })
})

describe('errors in Italian, course lines as they are', () => {
  it.each([
    [['tcp-server', '--bogus'], "ERROR: opzione sconosciuta '--bogus'"],
    [['tcp-server', '-p'], "ERROR: l’opzione '-p' richiede un valore"],
    [['tcp-server', '--concurrent=yes'], "ERROR: l’opzione '--concurrent' non accetta un valore"],
    [['udp-server', 'extra'], 'ERROR: argomento inatteso <extra>: socklab udp-server accetta solo opzioni (socklab udp-server -h le elenca)'],
    [['tcp-client', '-a', '300.1.1.1', '-m', 'x'], 'ERROR: indirizzo non valido <300.1.1.1>: serve un indirizzo IPv4 (127.0.0.1), un indirizzo IPv6 (::1) o un nome di host'],
    [['udp-client', '--timeout', 'soon', '-m', 'x'], 'ERROR: --timeout deve essere un numero di secondi in 0.1..600'],
    [['ftp-server'], 'ERROR: programma sconosciuto <ftp-server>: socklab -h elenca i programmi'],
    [['watch', '-4', '-6'], 'ERROR: -4 e -6 insieme: ometti entrambi per osservare IPv4 e IPv6'],
    [['watch', '-p', '0'], 'ERROR: -p deve essere un numero di porta in 1..65535, non <0>'],
    // The course's own error line: the same as in English, as the Python program prints it.
    [['tcp-client', '-p', '80'], 'ERROR: -p option must be an integer in 1024..65535'],
    [['udp-server', '-p', 'abc'], 'ERROR: -p option must be an integer in 1024..65535']
  ])('LANG=it_IT.UTF-8 socklab %j', async (args, line) => {
    const r = await runSocklab(args, '', undefined, IT)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`${line}\n`)
  })

  it('a refused connection: the course prompt as it is, then the reason in English under LANG=C.UTF-8', async () => {
    const port = await freePort()
    const r = await runSocklab(['tcp-client', '-p', String(port)], 'ciao mondo\n', undefined, EN)
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('Input lowercase sentence: ')
    expect(r.stderr).toBe(`ERROR: connection refused by (127.0.0.1, ${port}): no server is listening there\n`)
  })

  // The words come from the `error` catalog through LabError.said (ECONNREFUSED as data).
  it('a refused connection is explained in Italian under LANG=it_IT.UTF-8 (error:refused from the error catalog)', async () => {
    const port = await freePort()
    const r = await runSocklab(['tcp-client', '-p', String(port)], 'ciao mondo\n', undefined, IT)
    expect(r.code).toBe(1)
    // The course program's prompt, identical in both languages.
    expect(r.stdout).toBe('Input lowercase sentence: ')
    const at = `(127.0.0.1, ${port})`
    const italian = say(createI18n('it').t, { key: 'error:refused', params: { at } })
    const english = say(createI18n('en').t, { key: 'error:refused', params: { at } })
    expect(italian, 'the Italian error catalog says error:refused').not.toBe('refused')
    expect(italian).not.toBe(english)
    expect(r.stderr).toBe(`ERROR: ${italian}\n`)
  })
})

describe('every word of the usage texts comes from the catalog (pseudo locale)', () => {
  afterEach(() => setCliLang('en'))

  /** What is left of a text once every ⟦catalog string⟧ is taken out. */
  const outsideCatalog = (text: string): string => {
    let rest = text
    for (let before = ''; before !== rest; ) [before, rest] = [rest, rest.replace(/⟦[^⟦⟧]*⟧/g, '')]
    return rest
  }
  /** Words that are syntax, not prose: programs and options. */
  const SYNTAX = new Set(['socklab', 'tcp', 'udp', 'http', 'server', 'client', 'web', 'watch', 'recv', 'size', 'idle', 'timeout', 'concurrent', 'once', 'dotfiles', 'no', 'open', 'force', 'lang', 'it', 'en', 'URL', 'pcapng', 'relay', 'ping', 'keep', 'session', 'chunks', 'chunk', 'delay', 'nodelay', 'MS', 'check', 'addresses', 'json'])

  it('leaves no English outside the catalog strings', () => {
    setCliLang('pseudo')
    for (const text of [topUsage(), watchUsage(), ...COMMANDS.map(usage)]) {
      const left = outsideCatalog(text)
      expect(left).not.toMatch(/[⟦⟧]/)
      for (const word of left.match(/[A-Za-z]{2,}/g) ?? []) expect(SYNTAX.has(word), `<${word}> in:\n${text}`).toBe(true)
    }
  })

  it('usage errors are catalog words, but the course\'s own error line is never marked as translated', () => {
    setCliLang('pseudo')
    const refusal = (f: () => unknown): string => {
      try {
        f()
      } catch (err) {
        return spoken(err)
      }
      throw new Error('not refused')
    }
    for (const f of [() => parseOptions('tcp-server', ['--bogus']), () => parseOptions('tcp-client', ['--timeout', 'x']), () => parseWatchOptions(['-4', '-6'])]) {
      expect(refusal(f)).toMatch(/^⟦.*⟧$/)
    }
    expect(refusal(() => parseOptions('tcp-server', ['-p', '80']))).toBe('-p option must be an integer in 1024..65535')
  })
})

describe('numbers in prose follow the language', () => {
  it('watch\'s summary line (the wire catalog\'s) counts as each language writes numbers, plurals included', () => {
    const it = createI18n('it').t
    const en = createI18n('en').t
    expect(summaryLine(it, { packets: 1, tcpConnections: 1234, udpExchanges: 1_000_000, dropped: 2 })).toBe('1 pacchetto, 1.234 connessioni TCP, 1.000.000 scambi UDP, 2 pacchetti persi dalla cattura')
    expect(summaryLine(en, { packets: 1, tcpConnections: 1234, udpExchanges: 1, dropped: 1 })).toBe('1 packet, 1,234 TCP connections, 1 UDP exchange, 1 packet dropped by the capture')
    expect(it('cli:watch.notSaved', { file: 'x.pcapng', count: 1234 })).toBe('Non salvato: x.pcapng contiene solo i 1.234 byte scritti prima dell’errore')
  })
})

describe('the launch page of socklab web', () => {
  afterEach(() => setCliLang('en'))

  it('is in the CLI\'s language', () => {
    for (const [lang, words] of [
      ['it', 'Apri socklab'],
      ['en', 'Open socklab']
    ] as const) {
      setCliLang(lang)
      const launch = writeLaunchFile('http://127.0.0.1:1/?token=x')
      try {
        const html = fs.readFileSync(fileURLToPath(launch.href), 'utf8')
        expect(html).toContain(`<html lang="${lang}">`)
        expect(html).toContain(`>${words}</a>`)
      } finally {
        launch.remove()
      }
    }
  })
})

const captureSkip = await captureSkipReason()

describe('socklab watch in Italian', () => {
  it.skipIf(!!captureSkip)('says what it captures, its summary and where it saved, in Italian; the two datagrams show as packet lines', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-lang-'))
    const file = path.join(dir, 'giro.pcapng')
    const port = await freePort()
    const w = socklab(['watch', '-4', '-p', String(port), '-w', file], undefined, IT)
    try {
      for (const end = Date.now() + 20_000; !/^Osservo /m.test(w.stderr()); await sleep(25)) {
        if (Date.now() > end || w.child.exitCode !== null) throw new Error(`no Osservo line:\n${w.stderr()}`)
      }
      const server = python('udp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
      await server.waitFor(/Server waiting on/)
      const client = python('udp_client.py', ['-a', '127.0.0.1', '-p', String(port)], 'ciao\n')
      expect(await client.exited).toBe(0)
      for (const end = Date.now() + 10_000; (w.stdout().match(/UDP/g) ?? []).length < 2 && Date.now() < end; ) await sleep(25)
      await sleep(300)
      await server.stop()
      w.child.stdin!.end()
      expect(await w.exited).toBe(0)
      expect(w.stderr()).toBe(
        [
          'Avvio della cattura sull’interfaccia lo…',
          `Osservo la porta ${port} (TCP e UDP, IPv4) sull’interfaccia di loopback lo; Ctrl-C ferma.`,
          '2 pacchetti, 0 connessioni TCP, 1 scambio UDP, 0 pacchetti persi dalla cattura',
          `Salvato in ${file} (Wireshark lo apre)`,
          ''
        ].join('\n')
      )
      expect(w.stdout().trimEnd().split('\n')).toHaveLength(2)
    } finally {
      await w.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 40_000)
})
