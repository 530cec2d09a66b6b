// i18next-cli (npm run i18n): the catalogs are src/shared/i18n/locales/<lang>/<namespace>.json,
// English is the source. `lint` finds text written in code instead of a catalog; `status` finds
// keys Italian lacks; `extract --ci` fails when a catalog has keys no code uses, or code uses a key
// no catalog has.
export default {
  locales: ['en', 'it'],
  extract: {
    input: ['src/**/*.{ts,tsx}'],
    ignore: ['src/**/*.d.ts'],
    output: 'src/shared/i18n/locales/{{language}}/{{namespace}}.json',
    primaryLanguage: 'en',
    defaultNS: 'common',
    nsSeparator: ':',
    keySeparator: '.',
    functions: ['t', 'i18n.t', 'said'],
    indentation: 2,
    sort: true,
    removeUnusedKeys: true
  },
  lint: {
    // What the renderer shows is checked here; the CLI and the engine's words are checked by
    // the pseudo locale tests, since their strings are mostly protocol and course lines.
    input: ['src/renderer/src/**/*.tsx'],
    ignoredAttributes: ['data-testid', 'className', 'type', 'role', 'key', 'lang', 'id', 'htmlFor', 'name', 'autoComplete', 'inputMode', 'spellCheck', 'translate', 'dir', 'rel', 'target', 'href', 'src', 'viewBox', 'd', 'fill', 'stroke', 'transform', 'textAnchor', 'dominantBaseline', 'x', 'y', 'width', 'height', 'points']
  }
}
