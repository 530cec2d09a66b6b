// Typed keys: a key missing from the English catalogs does not compile.
import 'i18next'
import type { Catalog } from './resources'

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common'
    resources: Catalog
  }
}
