// i18next-cli (npm run i18n): the catalogs are src/shared/i18n/locales/<lang>/<namespace>.json,
// English is the source. `lint` finds text written in code instead of a catalog; `status` finds
// keys Italian lacks; `extract --ci` fails when a catalog has keys no code uses, or code uses a key
// no catalog has.
export default {
  locales: ['en', 'it'],
  extract: {
    input: ['src/**/*.{ts,tsx}', 'scripts/start.mjs'],
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
    // lint reads extract.input (every source file; only the renderer's .tsx hold JSX): a
    // `lint.input` would be ignored. The CLI's and the engine's words, mostly protocol and
    // course lines, are checked by the pseudo locale tests (e2e/i18n-pseudo.spec.ts) and the
    // CLI's own. Text in any element or component (SVG <text> of the ladder, children
    // of our own components), and these attributes and props, which hold words; every other
    // attribute (className, data-testid, viewBox, d…) is data and never linted. Data written
    // literally in JSX (a protocol token) takes an `i18next-instrument-ignore-next-line` comment.
    acceptedTags: 'all',
    acceptedAttributes: ['alt', 'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'label', 'summary', 'caption', 'content', 'description', 'abbr', 'tip']
  }
}
