// A hex + text dump of bytes, 16 per line, as packet analysers show them.

export function decodeBase64(base64: string | undefined): Uint8Array {
  if (!base64) return new Uint8Array(0)
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = []
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16)
    let hex = ''
    let text = ''
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' '
      if (i < row.length) {
        hex += row[i].toString(16).padStart(2, '0') + ' '
        text += row[i] >= 0x20 && row[i] < 0x7f ? String.fromCharCode(row[i]) : '.'
      } else hex += '   '
    }
    lines.push(`${offset.toString(16).padStart(4, '0')}  ${hex} ${text}`)
  }
  return lines.join('\n')
}
