// Drives Debian's chromium, headless, through a one-time SMS code page, as a
// person would: opens the URL, types each code given, presses the button, and
// prints what each answer page says, one JSON line. Run as its own process
// (`deno run -A`): playwright-core reads system files that a test's narrow
// permissions refuse. Usage: browser.ts URL CODE [CODE...]
import { chromium } from "playwright-core";

/** Debian's chromium: .ci/run installs it; without it the test fails, never skips. */
async function chromiumPath(): Promise<string> {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (await Deno.stat(path).then(() => true, () => false)) return path;
  }
  throw new Error(
    "Debian's chromium is missing: apt-get install -y chromium (.ci/run installs it)",
  );
}

if (import.meta.main) {
  const [url, ...codes] = Deno.args;
  if (!url) throw new Error("Usage: browser.ts URL CODE [CODE...]");
  // playwright-core gives chromium a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: await chromiumPath(),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(new URL(url).origin)) {
        foreign.push(request.url());
      }
    });
    await page.goto(url);
    const autocomplete = await page.locator('input[name="code"]')
      .getAttribute("autocomplete");
    const answers: string[] = [];
    for (const code of codes) {
      await page.locator('input[name="code"]').fill(code);
      await page.click('button[type="submit"]');
      answers.push(await page.innerText("body"));
    }
    console.log(JSON.stringify({ autocomplete, answers, foreign }));
  } finally {
    await browser.close();
  }
}
