// The window's t() for modules outside React (the event router, the log's filter): the window's
// language as it is now, or English where no window started one (unit tests of those modules).

import { englishT, type TFunction } from '../../../shared/event-words'
import { windowI18n } from './language'

export function windowT(): TFunction {
  try {
    return windowI18n().t as TFunction
  } catch {
    return englishT()
  }
}
