// Status lines, header blocks, content types and the small HTML pages the server writes itself.

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  206: 'Partial Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported'
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml',
  py: 'text/x-python; charset=utf-8',
  c: 'text/x-c; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/x-icon',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  woff2: 'font/woff2',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  zip: 'application/zip',
  gz: 'application/gzip'
}

export function contentType(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return (dot >= 0 && TYPES[fileName.slice(dot + 1).toLowerCase()]) || 'application/octet-stream'
}

let dateSecond = -1
let dateText = ''
/** The Date header, formatted once per second rather than once per response. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(second * 1000).toUTCString()
  }
  return dateText
}

export interface HeadFields {
  status: number
  headers: readonly (readonly [string, string | number])[]
  keepAlive: boolean
}

export function responseHead({ status, headers, keepAlive }: HeadFields, server: string): Buffer {
  let text = `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}\r\nServer: ${server}\r\nDate: ${httpDate()}\r\n`
  for (const [name, value] of headers) text += `${name}: ${value}\r\n`
  text += `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`
  return Buffer.from(text, 'latin1')
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The body of an error response: a short page that says what went wrong in words. */
export function errorPage(status: number, explanation: string): Buffer {
  const title = `${status} ${STATUS_TEXT[status] ?? ''}`
  return Buffer.from(
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n` +
      `<body><h1>${title}</h1><p>${escapeHtml(explanation)}</p></body></html>\n`
  )
}
