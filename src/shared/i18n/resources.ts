// Every catalog, in one place. A new language is one folder of catalogs under locales/ and one
// line in LANGUAGES below; a new namespace is one file per language and one line in NAMESPACES.

import enCheck from './locales/en/check.json'
import enCli from './locales/en/cli.json'
import enCommon from './locales/en/common.json'
import enConsole from './locales/en/console.json'
import enError from './locales/en/error.json'
import enEvent from './locales/en/event.json'
import enHttp from './locales/en/http.json'
import enLab from './locales/en/lab.json'
import enLog from './locales/en/log.json'
import enNet from './locales/en/net.json'
import enPinger from './locales/en/pinger.json'
import enRelay from './locales/en/relay.json'
import enStream from './locales/en/stream.json'
import enWire from './locales/en/wire.json'
import itCheck from './locales/it/check.json'
import itCli from './locales/it/cli.json'
import itCommon from './locales/it/common.json'
import itConsole from './locales/it/console.json'
import itError from './locales/it/error.json'
import itEvent from './locales/it/event.json'
import itHttp from './locales/it/http.json'
import itLab from './locales/it/lab.json'
import itLog from './locales/it/log.json'
import itNet from './locales/it/net.json'
import itPinger from './locales/it/pinger.json'
import itRelay from './locales/it/relay.json'
import itStream from './locales/it/stream.json'
import itWire from './locales/it/wire.json'

/** English is the source: its keys are the types every other catalog is checked against. */
// One namespace a line, so that branches adding namespaces merge without conflicts.
export const en = {
  common: enCommon,
  event: enEvent,
  error: enError,
  console: enConsole,
  cli: enCli,
  lab: enLab,
  log: enLog,
  wire: enWire,
  http: enHttp,
  relay: enRelay,
  check: enCheck,
  stream: enStream,
  net: enNet,
  pinger: enPinger
}

export type Catalog = typeof en
export type Namespace = keyof Catalog
export const NAMESPACES = Object.keys(en) as Namespace[]

/** The languages socklab speaks, each with its catalogs (a missing key falls back to English). */
export const LANGUAGES = {
  en,
  it: {
    common: itCommon,
    event: itEvent,
    error: itError,
    console: itConsole,
    cli: itCli,
    lab: itLab,
    log: itLog,
    wire: itWire,
    http: itHttp,
    relay: itRelay,
    check: itCheck,
    stream: itStream,
    net: itNet,
    pinger: itPinger
  }
} satisfies Record<string, Record<Namespace, object>>

export type Lang = keyof typeof LANGUAGES
export const LANGS = Object.keys(LANGUAGES) as Lang[]
