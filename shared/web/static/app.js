// Starts NHS.UK frontend's components (header menu, error summary focus,
// conditional reveals). Every page works without it.
import { initAll } from './nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
