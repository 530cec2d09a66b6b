// Runs one course program on the engine and prints what it says, as the Python program would.

import path from 'node:path'
import readline from 'node:readline'
import type { EndpointConfig } from '../shared/contract'
import type { LabEvent } from '../shared/events'
import { decodeStopWords, eventWords } from '../shared/event-words'
import { INVERSE, visibleControls } from '../shared/visible-controls'
import { Lab } from '../engine/lab'
import { parseCourseUrl } from '../engine/url'
import type { Command, Options } from './args'
import { UsageError } from './args'
import { said, say } from '../shared/i18n/said'
import { cliT, cliWords, saidOf, spoken } from './words'
import { runBrowserHost } from './web'
import { ENDPOINT_KINDS, ROLES } from '../shared/endpoint-kinds'
import { describe, type ClientDescription } from '../shared/kinds'
import { loopbackNote } from './addresses'

export async function runProgram(command: Command, o: Options): Promise<number> {
  if (command === 'web') return runBrowserHost(o)
  // The CLI shows console lines only: no ring to speak of, no payload previews.
  const lab = new Lab({ ringSize: 1, previews: false })
  lab.on('event', printEvent)
  // The program's kind says its config (from the options) and its prompt: shared/kinds, as the window reads them.
  const kind = describe(command)!
  const config = kind.fromOptions(o, (folder) => path.resolve(folder)) as EndpointConfig
  // A server (or a relay) runs until Ctrl-C.
  if (ROLES[ENDPOINT_KINDS[command].role].listens) return serve(lab, config)
  const prompt = (kind as ClientDescription).prompt
  // The web client fetches each URL given, or asks for one after another; the course's other clients send one sentence, or (--session) one per line.
  if (command === 'http-client') return fetchUrls(lab, o, config, prompt)
  if ('session' in config && config.session) return session(lab, config, prompt)
  const sentence = o.message ?? (await ask(prompt))
  if (sentence === null) throw new UsageError(said('cli:errors.noSentence'))
  const { id } = await lab.start(config)
  await lab.send(id, sentence)
  return 0
}

/**
 * `tcp-client --session`: connects, then sends each line of standard input as it comes (typed or
 * piped) on that one connection, prints each reply, and closes at the end of the input. The
 * prompt only where someone types; empty lines are skipped (send(b'') would wait forever).
 */
async function session(lab: Lab, config: EndpointConfig, sentencePrompt: string): Promise<number> {
  const { id } = await lab.start(config)
  await lab.connect(id)
  const prompt = process.stdin.isTTY ? sentencePrompt : ''
  for (;;) {
    const line = await ask(prompt)
    if (line === null) break
    if (line !== '') await lab.send(id, line)
  }
  await lab.stop(id)
  return 0
}

/**
 * Console lines go to stdout. A server's are gathered and written once per turn of the event
 * loop: under load that is one write for many lines instead of three per connection.
 */
let pending = ''
/** The note for a reply the course's client could not decode, printed after the reply's line. */
let decodeNote = ''
function printEvent(e: LabEvent): void {
  if (e.kind === 'console') {
    // The course program's own line as it printed it (never translated); socklab's own note in the CLI's language.
    const line = printable(e.detail.note ? say(cliT(), e.detail.note) : (e.info ?? ''))
    if (e.role === 'client') {
      process.stdout.write(`${line}\n`)
      // Under the reply's line (the line after its read), as the window shows it.
      const t = cliWords()
      if (decodeNote) process.stderr.write(`${t('cli:note', { note: decodeNote })}\n`)
      decodeNote = ''
      return
    }
    if (pending === '') setImmediate(flushLines)
    pending += `${line}\n`
  }
  // Where the course's client would crash in decode(), socklab goes on: it says so on stderr.
  else if (e.kind === 'recv' && e.role === 'client' && 'undecodable' in e.detail && e.detail.undecodable) decodeNote = decodeStopWords(e.detail.undecodable, cliT())
  // A client's failure ends the program and is printed once, by main(); a server's is printed
  // here and the server goes on serving.
  else if (e.kind === 'error' && e.role === 'server') {
    flushLines()
    process.stderr.write(`ERROR: ${eventWords(e, cliT())}\n`)
  }
}

/**
 * A line as stdout takes it. Into a pipe, the bytes as the course's Python program prints them
 * (a script comparing the two sees the same); on a terminal, a peer's control characters shown,
 * not obeyed: a reply holding ESC[2K would erase the line that says it was received.
 */
function printable(line: string): string {
  return process.stdout.isTTY ? visibleControls(line, INVERSE) : line
}

function flushLines(): void {
  if (pending === '') return
  process.stdout.write(pending)
  pending = ''
}

/** Starts a server and keeps it running until Ctrl-C (or SIGTERM), then releases the port. */
async function serve(lab: Lab, config: EndpointConfig): Promise<number> {
  await lab.start(config)
  // A partner's PC cannot reach a server on loopback: socklab's note, one line, on stderr.
  const note = loopbackNote('address' in config ? config.address : undefined)
  if (note) process.stderr.write(`${note}\n`)
  return new Promise((resolve) => {
    const shutdown = (): void => {
      void lab.stopAll().then(() => {
        flushLines()
        resolve(0)
      })
    }
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
  })
}

/** With URLs, fetch each; without, ask in a loop like the course program until an empty line. */
async function fetchUrls(lab: Lab, o: Options, config: EndpointConfig, prompt: string): Promise<number> {
  // A URL given as an argument that cannot be fetched is bad input, like a bad option: refused before any fetch.
  for (const url of o.urls) {
    const parsed = parseCourseUrl(url, o.family)
    // The course's words (`Error in parsing URL <…>`) with the engine's reason: as the engine says it.
    if ('error' in parsed) throw new UsageError(saidOf(parsed))
  }
  const { id } = await lab.start(config)
  if (o.urls.length) {
    let failed = 0
    for (const url of o.urls) {
      try {
        await lab.send(id, url)
      } catch (err) {
        failed++
        process.stderr.write(`ERROR: ${spoken(err)}\n`)
      }
    }
    return failed ? 1 : 0
  }
  for (;;) {
    const url = await ask(prompt)
    if (url === null || url.trim() === '') return 0
    try {
      await lab.send(id, url)
    } catch (err) {
      // `. Retry.` as the course's client says it, in every language.
      process.stderr.write(`ERROR: ${spoken(err)}. Retry.\n`)
    }
  }
}

/** Reads one line from standard input after a prompt; null once standard input has ended. */
let reader: readline.Interface | undefined
let lines: AsyncIterableIterator<string> | undefined
async function ask(prompt: string): Promise<string | null> {
  process.stdout.write(prompt)
  reader ??= readline.createInterface({ input: process.stdin, terminal: false })
  lines ??= reader[Symbol.asyncIterator]()
  const next = await lines.next()
  return next.done ? null : next.value
}

/** Lets go of standard input, which would otherwise keep the process waiting for more lines. */
export function closeInput(): void {
  if (!reader) return
  reader.close()
  process.stdin.destroy()
}
