// The writeConsole verb: a window's own lines (a refusal, "Server stopped", the echo of a sentence)
// kept with the lab's events. What a window may write is checked in main, as every verb's payload is.

import { afterEach, describe, expect, it } from 'vitest'
import type { WindowLine } from '../src/shared/contract'
import { INPUT_MAX_CHARS } from '../src/shared/limits'
import { printableLine } from '../src/shared/console-keys'
import { dispatch } from '../src/session/dispatch'
import { createLabHandlers } from '../src/session/handlers'
import { LabCapture } from '../src/session/lab-capture'
import { Lab } from '../src/engine/lab'
import { italian } from './helpers/words'

let lab: Lab
let capture: LabCapture

afterEach(async () => {
  await capture?.dispose()
  await lab?.stopAll()
})

function handlers(): ReturnType<typeof createLabHandlers> {
  lab = new Lab()
  capture = new LabCapture(lab)
  return createLabHandlers(lab, { host: 'browser', version: 'test', sampleSite: '/nowhere' }, capture)
}

describe('writeConsole', () => {
  it('keeps the line as a console event of that console, with its style, in the history', async () => {
    const h = handlers()
    const line: WindowLine = { console: 'udp:client:2', endpoint: 'udp-client-5', style: 'note', text: 'Cancelled: the client stopped waiting and closed its socket.' }
    expect(await dispatch(h, 'writeConsole', [line])).toEqual({ ok: true, value: null })
    expect(await dispatch(h, 'writeConsole', [{ console: 'http:server', style: 'error', text: 'port 8080 is already in use' }])).toEqual({ ok: true, value: null })
    const [cancelled, inUse] = lab.history()
    expect(cancelled).toMatchObject({ kind: 'console', endpoint: 'udp-client-5', role: 'client', proto: 'UDP', info: line.text, detail: { window: { console: 'udp:client:2', style: 'note' } } })
    expect(inUse).toMatchObject({ kind: 'console', endpoint: '', role: 'server', proto: 'HTTP', detail: { window: { console: 'http:server', style: 'error' } } })
    expect(inUse.seq).toBe(cancelled.seq + 1)
  })

  it.each<[string, unknown]>([
    ['a console the window does not make', { console: 'tcp:client:0', style: 'note', text: 'x' }],
    ['a made-up lab', { console: 'ftp:server', style: 'note', text: 'x' }],
    ['a newline that would start a line of its own', { console: 'tcp:server', style: 'note', text: 'ok\nReceived request from (10.0.0.1, 1)' }],
    ['a carriage return', { console: 'tcp:server', style: 'note', text: 'ok\rServer waiting on' }],
    ['an escape sequence', { console: 'tcp:server', style: 'note', text: '\x1b[2J\x1b[Hcleared' }],
    ['a C1 control (CSI)', { console: 'tcp:server', style: 'note', text: '\u009b2J' }],
    ['a line longer than any input', { console: 'tcp:client:1', style: 'input', text: 'a'.repeat(INPUT_MAX_CHARS + 1) }],
    ['a style of its own', { console: 'tcp:server', style: 'plain', text: 'Received request from (10.0.0.1, 1)' }],
    ["another lab's endpoint", { console: 'tcp:client:1', endpoint: 'udp-client-1', style: 'note', text: 'x' }],
    ["a server's endpoint in a client console", { console: 'tcp:client:1', endpoint: 'tcp-server-1', style: 'note', text: 'x' }],
    ['a field of its own', { console: 'tcp:server', style: 'note', text: 'x', seq: 1 }],
    // A note as a key of the catalogs and its parameters (the window words it): bounded, and only a key the catalogs have.
    ['a text and a Said at once', { console: 'tcp:server', style: 'note', text: 'x', said: { key: 'lab:note.serverStopped' } }],
    ['neither a text nor a Said', { console: 'tcp:server', style: 'note' }],
    ['what the student typed as a Said', { console: 'tcp:client:1', style: 'input', said: { key: 'lab:note.cancelled' } }],
    ['a key no catalog has', { console: 'tcp:server', style: 'note', said: { key: 'lab:note.noSuchNote' } }],
    ['a key without its namespace', { console: 'tcp:server', style: 'note', said: { key: 'note.serverStopped' } }],
    ['a key of a namespace socklab has not', { console: 'tcp:server', style: 'note', said: { key: 'evil:x' } }],
    ["a key that names a catalog's branch, not a sentence", { console: 'tcp:server', style: 'note', said: { key: 'lab:note' } }],
    ["a key that reaches an object's prototype", { console: 'tcp:server', style: 'note', said: { key: 'lab:note.constructor' } }],
    ['a key far too long', { console: 'tcp:server', style: 'note', said: { key: `lab:${'a'.repeat(200)}` } }],
    ['a parameter that is an object, not a Said', { console: 'tcp:server', style: 'error', said: { key: 'lab:console.error', params: { message: { toString: 'x' } } } }],
    ['a parameter that is an array', { console: 'tcp:server', style: 'error', said: { key: 'lab:console.error', params: { message: ['a'] } } }],
    ['a parameter with a control character', { console: 'tcp:server', style: 'error', said: { key: 'lab:console.error', params: { message: 'ok\nReceived request from (10.0.0.1, 1)' } } }],
    ['a parameter longer than any input', { console: 'tcp:server', style: 'error', said: { key: 'lab:console.error', params: { message: 'a'.repeat(INPUT_MAX_CHARS + 1) } } }],
    ['too many parameters', { console: 'tcp:server', style: 'note', said: { key: 'lab:note.serverStopped', params: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, i])) } }],
    ['a parameter that is not a number a catalog can write', { console: 'tcp:server', style: 'note', said: { key: 'lab:problem.draftCut', params: { count: Infinity, max: 1 } } }],
    ['Saids nested too deep', { console: 'tcp:server', style: 'error', said: { key: 'lab:console.error', params: { message: { key: 'lab:console.error', params: { message: { key: 'lab:console.error', params: { message: { key: 'lab:note.cancelled' } } } } } } } }],
    ['a Said with a field of its own', { console: 'tcp:server', style: 'note', said: { key: 'lab:note.serverStopped', words: 'x' } }]
  ])('refuses %s, and records nothing', async (_what, line) => {
    const h = handlers()
    expect(await dispatch(h, 'writeConsole', [line])).toMatchObject({ ok: false, code: 'EBADCALL', error: expect.stringMatching(/^writeConsole: /) })
    expect(lab.history()).toEqual([])
  })

  it('keeps a note said as a key: the event carries the Said for each window to word, and its English words as info', async () => {
    const h = handlers()
    const note: WindowLine = { console: 'tcp:server', style: 'note', said: { key: 'lab:note.serverStopped' } }
    const refusal: WindowLine = { console: 'tcp:client:1', style: 'error', said: { key: 'lab:console.error', params: { message: { key: 'lab:problem.draftCut', params: { count: 1234, max: 4096 } } } } }
    expect(await dispatch(h, 'writeConsole', [note])).toEqual({ ok: true, value: null })
    expect(await dispatch(h, 'writeConsole', [refusal])).toEqual({ ok: true, value: null })
    const [stopped, refused] = lab.history()
    expect(stopped).toMatchObject({ kind: 'console', info: 'Server stopped: the port is free again.', detail: { window: { console: 'tcp:server', style: 'note', said: note.said } } })
    expect(refused.info).toBe('ERROR: Only the first 4,096 characters were kept: 1,234 more did not fit in one sentence.')
    expect(refused.detail).toEqual({ window: { console: 'tcp:client:1', style: 'error', said: refusal.said } })
    // The same Said in Italian, as an Italian window words it.
    expect(italian(refused.kind === 'console' ? refused.detail.window!.said! : note.said!)).toBe('ERROR: Sono stati tenuti solo i primi 4.096 caratteri: 1.234 in più non stavano in una frase.')
  })

  it('the window makes any text writable: control characters shown as U+FFFD, long lines cut', () => {
    expect(printableLine('a\x1b[2Jb\nc\u009b', 100)).toBe('a\uFFFD[2Jb\uFFFDc\uFFFD')
    const cut = printableLine('x'.repeat(INPUT_MAX_CHARS + 10), INPUT_MAX_CHARS)
    expect(cut).toHaveLength(INPUT_MAX_CHARS)
    expect(cut.endsWith('…')).toBe(true)
  })
})
