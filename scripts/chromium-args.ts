/** Debian's Chromium (Playwright's own browser download is not reachable here); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags for Debian's Chromium under Playwright, shared by the browser tests and the client bench.
 * Each new page is a new headless window, and Chromium builds its address bar's WebUI popups for
 * every window: about 1.7 s of script in a second renderer per page, on a 2-core machine, while
 * the page loads. A person's browser builds them once at startup; all four features are needed.
 */
export const CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup,PreloadTopChromeWebUI",
];
