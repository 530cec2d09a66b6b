// Labelled inputs: every control carries a visible label, which is also its accessible name.

export function TextField(props: {
  label: string
  value: string
  onChange: (value: string) => void
  testId: string
  disabled?: boolean
  wide?: boolean
  inputMode?: 'numeric' | 'decimal' | 'text' | 'url'
  /** Words shown while the field is empty (what empty means). */
  placeholder?: string
  /** Shown on hover: the whole value, when it is longer than the field. */
  title?: string
}): React.JSX.Element {
  return (
    <label className={props.wide ? 'field wide' : 'field'}>
      <span>{props.label}</span>
      <input
        type="text"
        value={props.value}
        disabled={props.disabled}
        inputMode={props.inputMode}
        title={props.title}
        placeholder={props.placeholder}
        // What a field holds is data (an address, a port, a size, a folder): never translated.
        translate="no"
        spellCheck={false}
        autoComplete="off"
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  )
}

export function CheckField(props: { label: string; checked: boolean; onChange: (checked: boolean) => void; testId: string; disabled?: boolean; title?: string }): React.JSX.Element {
  return (
    <label className="check" title={props.title}>
      <input type="checkbox" checked={props.checked} disabled={props.disabled} data-testid={props.testId} onChange={(e) => props.onChange(e.target.checked)} />
      <span>{props.label}</span>
    </label>
  )
}
