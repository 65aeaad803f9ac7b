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
// can scroll that container only once it can take focus, so the page's
// markup makes every table's container a focusable region named by its
// caption (tabindex="0" role="region" aria-labelledby), which works with
// scripts off. A table that fits needs no tab stop, nor to be announced as
// a region: while it fits, the script takes those off, and puts them back
// when a narrower window makes it scroll. A container without a name in
// the markup is left as it is.
function focusableScrollers () {
  for (const box of document.querySelectorAll('.nhsuk-table-container')) {
    if (box.dataset.labelledby === undefined) box.dataset.labelledby = box.getAttribute('aria-labelledby') || ''
    const name = box.dataset.labelledby
    if (!name) continue
    if (box.scrollWidth > box.clientWidth) {
      box.tabIndex = 0
      box.setAttribute('role', 'region')
      box.setAttribute('aria-labelledby', name)
    } else {
      for (const a of ['tabindex', 'role', 'aria-labelledby']) box.removeAttribute(a)
    }
  }
}
focusableScrollers()
window.addEventListener('resize', focusableScrollers)
