import { useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { clampLogSize, LOG_SIZE_DEFAULT, LOG_SIZE_MAX, LOG_SIZE_MIN } from './zoom'

/**
 * The bar between the consoles and the packet log: drag it, or focus it and use the arrow keys
 * (Home/End for the smallest/largest log, Enter for the default), to share the window's height.
 */
export function Splitter({ size, onSize }: { size: number; onSize: (size: number) => void }): React.JSX.Element {
  const { t } = useTranslation('lab')
  const dragging = useRef(false)
  const sizeAt = (clientY: number): number => clampLogSize((window.innerHeight - clientY) / window.innerHeight)
  const keys: Record<string, number> = {
    ArrowUp: size + 0.05,
    ArrowDown: size - 0.05,
    PageUp: size + 0.15,
    PageDown: size - 0.15,
    Home: LOG_SIZE_MAX,
    End: LOG_SIZE_MIN,
    Enter: LOG_SIZE_DEFAULT
  }
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label={t('splitter.label')}
      aria-valuemin={Math.round(LOG_SIZE_MIN * 100)}
      aria-valuemax={Math.round(LOG_SIZE_MAX * 100)}
      aria-valuenow={Math.round(size * 100)}
      aria-valuetext={t('splitter.value', { percent: Math.round(size * 100) })}
      tabIndex={0}
      title={t('splitter.hint')}
      data-testid="log-splitter"
      onKeyDown={(e) => {
        if (!(e.key in keys)) return
        e.preventDefault()
        onSize(clampLogSize(keys[e.key]))
      }}
      onPointerDown={(e) => {
        dragging.current = true
        e.currentTarget.setPointerCapture(e.pointerId)
        e.preventDefault()
      }}
      onPointerMove={(e) => {
        if (dragging.current) onSize(sizeAt(e.clientY))
      }}
      onPointerUp={(e) => {
        dragging.current = false
        e.currentTarget.releasePointerCapture(e.pointerId)
      }}
      onPointerCancel={() => (dragging.current = false)}
    />
  )
}
