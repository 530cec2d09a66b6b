// What a kind of endpoint is to the people who start one: its fields (labels, defaults, rules),
// how those fields make its config and how a config shows in them, its prompt and its status
// words. One file per kind (tcp-server.ts …), collected in index.ts by the table of kinds: the
// command line and the window's panels both read them, so that a default or a prompt is stated once.

import type { Family } from '../events'
import type { ConfigOf, EndpointKind, WindowConfigOf } from '../endpoint-kinds'
import type { Said } from '../i18n/said'

/** The window's fields of an endpoint as the student left them: text as typed, or a box ticked. */
export type FieldValues = Partial<Record<string, string | boolean>>

/** A field a panel shows, in the order the description lists it. */
export interface FieldSpec {
  /** Its name among the window's fields (what a reload keeps, what `config` reads). */
  name: string
  /** text: typed as is; check: a box; folder: a path, with the host's folder dialog beside it. */
  input: 'text' | 'check' | 'folder'
  /** Digits: a phone shows its number pad. */
  numeric?: boolean
  label: Said
  /** Its longer words, on hover. */
  hint?: Said
  /** Its name for the tests (data-testid). */
  testId: string
  /** The field that records that the student typed into it: it then no longer follows the IPv4/IPv6 switch or the server's port. */
  edited?: string
}

/**
 * The options of the command line that the course's programs share, parsed and checked (cli/args.ts
 * reads them, each by the rule of its field): a kind makes its config from those it takes.
 */
export interface ProgramOptions {
  family: Family
  address: string
  port: number
  recvSize: number
  concurrent: boolean
  idleTimeoutMs: number
  timeoutMs: number
  directory: string
  dotfiles: boolean
  recvOnce: boolean
  /** Streams: tcp-server --keep-open; tcp-client --chunks N, --chunk-delay MS, --nodelay, --session. */
  stream: { keepOpen: boolean; chunks: number; chunkDelayMs: number; noDelay?: true; session: boolean }
}

/** Where an endpoint goes, read from the fields every panel of its role shares (its address and port) and the IPv4/IPv6 switch. */
export interface At {
  address: string
  port: number
  family: Family
}

/** The config's own values (beyond kind, address and port) as the command line and a new window start them. */
export type Defaults<K extends EndpointKind> = Partial<Omit<WindowConfigOf<K>, 'kind' | 'address' | 'port'>>

interface Described<K extends EndpointKind> {
  kind: K
  /** The port it starts with (a client: its server's), on the command line and in a new window. */
  port: number
  defaults: Defaults<K>
  /** The fields its panel shows after those every panel of its role has, in order. */
  fields: readonly FieldSpec[]
  /** The config the window's fields make (`at`: the address, port and family, read by the rules every panel shares); the kind's schema checks it afterwards, in the host's words. */
  config(f: FieldValues, at: At): WindowConfigOf<K>
  /** The window's fields showing a config (what an endpoint was started with, or the defaults): those of its values it has. */
  fieldsOf(c: Partial<ConfigOf<K>>): FieldValues
  /** The config the command line's options make (`path` makes a folder absolute). */
  fromOptions(o: ProgramOptions, path: (p: string) => string): ConfigOf<K>
}

export interface ServerDescription<K extends EndpointKind = EndpointKind> extends Described<K> {
  /** The panel's status while it runs at `where` ("listening on …", "bound to …"). */
  running(where: string): Said
}

export interface ClientDescription<K extends EndpointKind = EndpointKind> extends Described<K> {
  /** The course program's own prompt for its next line: the same in every language. */
  prompt: string
  /** The line the student types under the fields: a sentence to send, or (HTTP) a URL to fetch. */
  input: {
    label: Said
    /** Worded (a Said) or data shown as it is (a URL). */
    placeholder: Said | string
    /** The input is this field of the tab (the HTTP client's URL, and the field saying it was typed into): it stays after a send. Else a sentence, emptied once sent. */
    field?: { name: string; edited: string }
    /** A Connect button (and Close once connected): the client holds a connection between sends. */
    connects: boolean
    /** An empty line is refused: sending 0 bytes puts nothing on the wire, and both sides would wait. */
    refusesEmpty: boolean
    /** The button that sends it. */
    action: Said
    /** false: the program reads no line (the pinger's messages are its own): the panel shows the button alone. */
    line?: false
  }
  /** The status words where they differ between kinds (a UDP client has no connection to speak of). */
  status: { idle: Said; waiting: Said; closed: Said; done?: (received: number) => Said; doneShort?: (received: number) => Said }
}

/** Text as the CLI and the window take whole numbers (digits only); anything else is NaN, which the schema refuses. */
export const integer = (text: string | boolean | undefined): number => (typeof text === 'string' && /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN)
/** Seconds as typed ("0.5") in milliseconds; NaN for anything else. */
export const milliseconds = (text: string | boolean | undefined): number => (typeof text !== 'string' || text.trim() === '' ? NaN : Math.round(Number(text) * 1000))
/** Milliseconds as the window's seconds field shows them. */
export const seconds = (ms: number): string => String(ms / 1000)
/** A text field's value (a box's is no text). */
export const text = (v: string | boolean | undefined): string => (typeof v === 'string' ? v.trim() : '')

/** The course's TCP and UDP clients' prompt (their own words, never translated). */
export const SENTENCE_PROMPT = 'Input lowercase sentence: '
