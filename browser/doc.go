// Package browser holds the browser tests: they build the attain binary,
// serve the demo company with it, and drive its pages in headless Chromium
// (Debian's chromium) through chromedp, as a rep, a manager and an admin
// would. Without Chromium they skip, except in CI (CI set), where they
// fail. ATTAIN_SCREENSHOTS=DIR keeps a screenshot of each main screen in
// DIR (docs/screenshots holds the current ones).
package browser
