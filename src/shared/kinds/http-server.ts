// The course's web server: serves the files of one folder, nothing outside it.

import { DEFAULT_HTTP_PORT } from '../address'
import { said } from '../i18n/said'
import { text, type ServerDescription } from './kind'

export const httpServer: ServerDescription<'http-server'> = {
  kind: 'http-server',
  port: DEFAULT_HTTP_PORT,
  // The folder a new window serves is the host's sample site, in the window's language (the panel's own default).
  defaults: {},
  fields: [{ name: 'root', input: 'folder', label: said('lab:server.root'), testId: 'server-root' }],
  config: (f, at) => ({ kind: 'http-server', address: at.address, port: at.port, root: text(f.root) }),
  fieldsOf: (c) => (c.root !== undefined ? { root: c.root } : {}),
  fromOptions: (o, path) => ({ kind: 'http-server', address: o.address, port: o.port, root: path(o.directory), dotfiles: o.dotfiles }),
  running: (address) => said('lab:server.listeningOn', { address })
}
