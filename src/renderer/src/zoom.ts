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
