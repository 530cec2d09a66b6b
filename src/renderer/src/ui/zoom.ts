// Zoom and theme for a shared screen: kept in localStorage so a projector setup survives a restart.

export const ZOOM_STEPS = [0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5]
const ZOOM_KEY = 'socklab.zoom'
const THEME_KEY = 'socklab.theme'

export type Theme = 'dark' | 'contrast'

export function loadZoom(): number {
  const saved = Number(localStorage.getItem(ZOOM_KEY))
  return ZOOM_STEPS.includes(saved) ? saved : 1
}

export function saveZoom(zoom: number): void {
  localStorage.setItem(ZOOM_KEY, String(zoom))
}

/** The next step up (+1) or down (-1) from `zoom`. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const i = ZOOM_STEPS.indexOf(zoom)
  const at = i < 0 ? ZOOM_STEPS.indexOf(1) : i
  return ZOOM_STEPS[Math.max(0, Math.min(ZOOM_STEPS.length - 1, at + direction))]
}

export function loadTheme(): Theme {
  return localStorage.getItem(THEME_KEY) === 'contrast' ? 'contrast' : 'dark'
}

export function saveTheme(theme: Theme): void {
  localStorage.setItem(THEME_KEY, theme)
}

/** The packet log's share of the window height, set with the splitter above it. */
export const LOG_SIZE_MIN = 0.2
export const LOG_SIZE_MAX = 0.75
export const LOG_SIZE_DEFAULT = 0.42
const LOG_SIZE_KEY = 'socklab.logSize'

export function clampLogSize(size: number): number {
  return Math.round(Math.max(LOG_SIZE_MIN, Math.min(LOG_SIZE_MAX, size)) * 100) / 100
}

export function loadLogSize(): number {
  const saved = Number(localStorage.getItem(LOG_SIZE_KEY))
  return saved > 0 ? clampLogSize(saved) : LOG_SIZE_DEFAULT
}

export function saveLogSize(size: number): void {
  localStorage.setItem(LOG_SIZE_KEY, String(size))
}

/** The zoom a key press asks for (Ctrl/Cmd with +, −, 0), or null for any other key. */
export function zoomDirection(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>): 1 | -1 | 0 | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null
  return e.key === '+' || e.key === '=' ? 1 : e.key === '-' || e.key === '_' ? -1 : e.key === '0' ? 0 : null
}
