// The CLI on a real terminal: `script` gives the child a pseudo-terminal, so
// the password and SMS prompts run in raw mode, as they do for a person.
import assert from "node:assert/strict";
import { spawnPiped } from "./_helpers/cli.ts";
import { startEmulator } from "./_helpers/emulator.ts";
import { childEnv } from "./_helpers/mcp.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `cli.ts cleura regions` for "bob" on a pseudo-terminal made by `script`. */
function regionsOnTerminal(
  emu: { cleuraUrl: string },
  cacheHome: string,
): Deno.ChildProcess {
  const command = [Deno.execPath(), "run", "-A", CLI, "cleura", "regions"]
    .map(quote).join(" ");
  return spawnPiped(
    "script",
    ["-qefc", command, "/dev/null"],
    childEnv({
      CLEURA_API_URL: emu.cleuraUrl,
      CLEURA_API_USERNAME: "bob",
      XDG_CACHE_HOME: cacheHome,
      DENO_DIR: childEnv({}).DENO_DIR!,
      NO_COLOR: "1",
    }),
  );
}

/** The child's screen: what it has shown, read as far as needed. */
function screenOf(child: Deno.ChildProcess) {
  const reader = child.stdout.getReader();
  const screen = {
    text: "",
    /** Reads until `text` shows; fails if the child ends first. */
    async waitFor(text: string): Promise<void> {
      while (!screen.text.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`ended before "${text}":\n${screen.text}`);
        screen.text += new TextDecoder().decode(value);
      }
    },
    /** Reads the rest, until the child ends. */
    async drain(): Promise<void> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        screen.text += new TextDecoder().decode(value);
      }
    },
  };
  return screen;
}

async function terminalLogin(typeAhead: boolean): Promise<string> {
  await using emu = await startEmulator({ smsCode: () => 424242 });
  const cacheHome = await Deno.makeTempDir();
  try {
    const child = regionsOnTerminal(emu, cacheHome);
    const writer = child.stdin.getWriter();
    const screen = screenOf(child);
    const waitFor = screen.waitFor;
    // A stuck prompt ends the child, so the test fails instead of hanging.
    const watchdog = setTimeout(() => child.kill(), 20_000);
    const type = (text: string) =>
      writer.write(new TextEncoder().encode(`${text}\r`));
    if (typeAhead) await type("bob-password");
    await waitFor('Cleura password for "bob": ');
    if (!typeAhead) await type("bob-password");
    await waitFor("Type the SMS code: ");
    assert.match(screen.text, /An SMS code was sent to the phone of "bob"\./);
    await type("111111");
    await waitFor("Type the code from the same SMS again: ");
    await type("424242");
    await waitFor("Kna1");
    await writer.close();
    await screen.drain();
    const status = await child.status;
    clearTimeout(watchdog);
    await child.stderr.cancel();
    assert.equal(status.code, 0, screen.text);
    assert.match(screen.text, /That code was not accepted/);
    assert.match(screen.text, /REGION +NAME +STATUS/);
    assert.equal(emu.counters.smsSent, 1);
    return screen.text;
  } finally {
    await Deno.remove(cacheHome, { recursive: true });
  }
}

Deno.test("cli on a terminal asks for the password and the SMS code without echoing them", async () => {
  const screen = await terminalLogin(false);
  assert.ok(!screen.includes("bob-password"), "the password was echoed");
  assert.ok(!screen.includes("424242"), "the SMS code was echoed");
});

Deno.test("cli on a terminal keeps a password typed ahead for the hidden prompt", async () => {
  // A stdin reader opened at start-up used to swallow these bytes, so the
  // hidden prompt never saw them (found by hand in tmux).
  await terminalLogin(true);
});

Deno.test("cli on a terminal: Ctrl-C at the password prompt exits 130 quietly", async () => {
  await using emu = await startEmulator();
  const cacheHome = await Deno.makeTempDir();
  try {
    const child = regionsOnTerminal(emu, cacheHome);
    const writer = child.stdin.getWriter();
    const screen = screenOf(child);
    const watchdog = setTimeout(() => child.kill(), 20_000);
    await screen.waitFor('Cleura password for "bob": ');
    await writer.write(new Uint8Array([3]));
    await writer.close();
    await screen.drain();
    const status = await child.status;
    clearTimeout(watchdog);
    await child.stderr.cancel();
    assert.equal(status.code, 130, screen.text);
    assert.ok(!screen.text.includes("error"), screen.text);
    assert.equal(emu.counters.cleuraPasswordPosts, 0);
  } finally {
    await Deno.remove(cacheHome, { recursive: true });
  }
});
