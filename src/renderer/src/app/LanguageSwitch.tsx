// IT / EN in the header: every word of the window changes at once, and the choice is kept.

import { useTranslation } from 'react-i18next'
import { LANGS, type Lang } from '../../../shared/i18n/i18n'
import { switchLanguage } from '../i18n/language'

export function LanguageSwitch({ onChosen }: { onChosen?: (lang: Lang) => void }): React.JSX.Element {
  const { t, i18n } = useTranslation('common')
  return (
    <div className="language" role="group" aria-label={t('language.label')}>
      {LANGS.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          // The language's code, as the switch shows it: data (its name is the tooltip, in the window's language).
          translate="no"
          aria-pressed={i18n.language === lang}
          className={i18n.language === lang ? 'seg active' : 'seg'}
          // t('language.en') t('language.it'): a language's name, in its own language.
          title={t('language.switchTo', { name: t(`language.${lang}`) })}
          onClick={() => void switchLanguage(lang).then(() => onChosen?.(lang))}
          data-testid={`lang-${lang}`}
        >
          {lang.toUpperCase()}
        </button>
      ))}
    </div>
  )
}
