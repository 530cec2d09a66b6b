import '@xterm/xterm/css/xterm.css'
import './styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { i18n } from 'i18next'
import { App } from './App'
import { I18nextProvider } from 'react-i18next'
import { openLabApi } from '../lab/lab-api'
import { createI18n } from '../../../shared/i18n/i18n'
import { isSaid, say, type Said } from '../../../shared/i18n/said'
import { initialLanguage, startLanguage } from '../i18n/language'

const root = createRoot(document.getElementById('root')!)

/** The window's words once it has started; before (the host not reached yet), the address's ?lang= or the browser's language. */
let words: i18n | undefined
const early = (): i18n => (words ??= createI18n(initialLanguage(undefined)))

/** A line across the top of the page: the host cannot be reached, or went away. */
function banner(what: Said | string): void {
  const t = early().t
  const div = document.createElement('div')
  div.className = 'banner'
  div.setAttribute('role', 'alert')
  div.textContent = typeof what === 'string' ? what : say(t, what)
  document.body.prepend(div)
}

openLabApi(banner)
  .then(async (api) => {
    const info = await api.hostInfo()
    words = startLanguage(initialLanguage(info.language), (lang) => api.setLanguage(lang))
    root.render(
      <StrictMode>
        <I18nextProvider i18n={words}>
          <App api={api} info={info} />
        </I18nextProvider>
      </StrictMode>
    )
  })
  .catch((err: Error & { said?: unknown }) => banner(isSaid(err.said) ? err.said : err.message))
