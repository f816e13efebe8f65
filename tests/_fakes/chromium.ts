/** Debian's Chromium, headless, driven by puppeteer-core; tests skip when it is not installed. */
import puppeteer, { type Browser } from "puppeteer-core";

/** Where Chromium may be: `$CHROMIUM_PATH`, then the Debian, Ubuntu and Chrome names. */
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

function findChromium(): string | undefined {
  const fromEnv = Deno.env.get("CHROMIUM_PATH");
  for (const path of fromEnv ? [fromEnv] : CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* not there */ }
  }
  return undefined;
}

/** The Chromium binary, or undefined (browser tests are skipped). */
export const chromiumPath: string | undefined = findChromium();

if (chromiumPath === undefined) {
  // deno-lint-ignore no-console
  console.error(
    "browser tests skipped: no Chromium (install it with `apt-get install chromium`, as .ci/run does, or set CHROMIUM_PATH)",
  );
}

/** A headless browser, closed on dispose. */
export interface HeadlessBrowser extends AsyncDisposable {
  browser: Browser;
}

/** Launches headless Chromium (no sandbox when running as root, as in CI containers). */
export async function launchChromium(): Promise<HeadlessBrowser> {
  if (chromiumPath === undefined) throw new Error("Chromium is not installed");
  const browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-default-apps",
      "--disable-sync",
      "--metrics-recording-only",
    ],
  });
  return {
    browser,
    async [Symbol.asyncDispose]() {
      await browser.close().catch(() => {});
    },
  };
}
