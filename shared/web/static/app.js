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

// A table wider than the screen scrolls inside its container. A keyboard
// can scroll that container only once it can take focus, so a container
// that scrolls becomes a focusable region named by its table's caption
// (and stops being one when a wider window lets the table fit). Containers
// the page made focusable itself are left as they are.
function focusableScrollers () {
  for (const box of document.querySelectorAll('.nhsuk-table-container')) {
    const ours = box.hasAttribute('data-scroller')
    if (box.hasAttribute('tabindex') && !ours) continue
    if (box.scrollWidth > box.clientWidth) {
      if (ours) continue
      const caption = box.querySelector('caption')
      box.tabIndex = 0
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', (caption ? caption.textContent.trim() + ': ' : '') + 'a table that scrolls sideways')
      box.setAttribute('data-scroller', '')
    } else if (ours) {
      for (const a of ['tabindex', 'role', 'aria-label', 'data-scroller']) box.removeAttribute(a)
    }
  }
}
focusableScrollers()
window.addEventListener('resize', focusableScrollers)
