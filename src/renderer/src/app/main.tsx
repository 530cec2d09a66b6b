import '@xterm/xterm/css/xterm.css'
import './styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { openLabApi } from '../lab/lab-api'

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
    root.render(
      <StrictMode>
        <App api={api} info={info} />
      </StrictMode>
    )
  })
  .catch((err: Error) => banner(err.message))
