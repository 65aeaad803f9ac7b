// Starts NHS.UK frontend's components (header menu, error summary focus,
// conditional reveals). Every page works without it.
import { initAll } from './nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// The report's "Print or save as PDF" button: shown only where it works.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
