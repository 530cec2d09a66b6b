// The fields of a kind's own, as its description lists them (shared/kinds): a panel shows them
// after the fields every panel of its role has, in the order the description gives.

import { Fragment } from 'react'
import type { FieldSpec, FieldValues } from '../../../shared/kinds'
import { CheckField, TextField } from '../ui/Field'
import { useWords } from '../ui/use-words'

interface Props {
  specs: readonly FieldSpec[]
  values: FieldValues
  disabled?: boolean
  /** A field changed: its new value, and the field that says the student typed into it, where it has one. */
  onChange: (change: FieldValues) => void
  /** Beside a folder field: the button that opens the host's folder dialog, where it has one. */
  folderButton?: React.ReactNode
}

export function KindFields({ specs, values, disabled, onChange, folderButton }: Props): React.JSX.Element {
  const words = useWords()
  return (
    <>
      {specs.map((f) => {
        const value = values[f.name]
        const title = f.hint && words(f.hint)
        const change = (v: string | boolean): void => onChange(f.edited ? { [f.name]: v, [f.edited]: true } : { [f.name]: v })
        if (f.input === 'check') return <CheckField key={f.name} label={words(f.label)} title={title} checked={value === true} disabled={disabled} testId={f.testId} onChange={change} />
        const text = typeof value === 'string' ? value : ''
        if (f.input === 'folder') {
          return (
            <Fragment key={f.name}>
              <TextField label={words(f.label)} value={text} title={text} disabled={disabled} wide testId={f.testId} onChange={change} />
              {folderButton}
            </Fragment>
          )
        }
        return <TextField key={f.name} label={words(f.label)} value={text} title={title} disabled={disabled} inputMode={f.numeric ? 'numeric' : undefined} testId={f.testId} onChange={change} />
      })}
    </>
  )
}
