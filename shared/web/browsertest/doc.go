// Package browsertest holds the web app's tests in a real browser: Debian's
// Chromium headless shell, driven from Go with chromedp, against the web app and
// the JSON API mounted as the local runner mounts them (with the local
// demo-user sign-in), over a fresh DynamoDB Local table. The tests walk the
// jobs of the roles table through the pages (a lead records a grant and
// sets a target, a project lead submits outcomes with and without
// JavaScript, a funder sees the target reached and no edit forms), check
// every page visited with axe-core, and keep screenshots of the dashboard
// under build/screenshots/.
//
// The three tests run at once, each with a server and tables of its own,
// in one Chromium (each person in a browser context of their own): the two
// short ones (the operator's header, the funder's portfolio and printed
// report) finish while the long walk-through runs, instead of adding 15 s
// after it.
//
// They need /usr/bin/chromium-headless-shell (FUNDTRACK_CHROMIUM names
// another) and infra/node_modules/axe-core; `make test` installs both, and
// the tests fail, not skip, without them.
package browsertest
