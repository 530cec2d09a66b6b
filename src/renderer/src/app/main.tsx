import '@xterm/xterm/css/xterm.css'
import './styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { I18nextProvider } from 'react-i18next'
import { openLabApi } from '../lab/lab-api'
import { initialLanguage, startLanguage } from '../i18n/language'

const root = createRoot(document.getElementById('root')!)

function banner(text: string): void {
  const div = document.createElement('div')
  div.className = 'banner'
  div.setAttribute('role', 'alert')
  div.textContent = text
  document.body.prepend(div)
}

openLabApi(banner)
  .then(async (api) => {
    const info = await api.hostInfo()
    const i18n = startLanguage(initialLanguage(info.language), (lang) => api.setLanguage(lang))
    root.render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <App api={api} info={info} />
        </I18nextProvider>
      </StrictMode>
    )
  })
  .catch((err: Error) => banner(err.message))
