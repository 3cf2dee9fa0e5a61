// Redaction finds a secret in every form a server may echo it in, and hides
// nothing else: an ordinary word that merely occurs inside a secret stays.

import assert from "node:assert/strict";
import { rejection } from "./_helpers/assert.ts";
import { itopiaKeyAuth } from "./_helpers/accounts.ts";
import { bySpoken, startEmulator } from "./_helpers/emulator.ts";
import { ApiError, startLogin } from "../mod.ts";
import { listCloudInstances } from "../lib/itopia/mod.ts";
import { redact, REDACTED, redactLine } from "../lib/redact.ts";
import { serverMessage } from "../lib/server_text.ts";

/** Realistic passwords built of dictionary words, digits and symbols. */
const PASSWORDS = [
  "mypassword1",
  "Deployment2024!",
  "admin-login-99",
  "correct horse battery staple",
  "Sommar2026",
  "p@ssw0rd!Winter",
  "lösenord-Åre9",
  "Password123",
  "letmein2024",
  "Welcome1!",
  "summer-deployment-7",
  "qwerty_login42",
  "Administrator#1",
  "Hunter2&Friends",
  "Stockholm/2025",
  "tr0ub4dor&3",
  "Vinter+Snö 2024",
  `"quoted"pass'word`,
  "iloveyou<3cats",
] as const;

/**
 * The pieces that look like ordinary words, and are kept where nothing says
 * the text was cut: the end of a secret at the start of a text, a start of a
 * secret before a split in a short text (see `redactLine`).
 */
const WORD_ENDS: Record<string, string[]> = {
  "p@ssw0rd!Winter": ["Winter"],
  "correct horse battery staple": ["staple"],
  "Hunter2&Friends": ["Friends"],
};

const SENTENCES = [
  "Invalid login or password",
  "the deployment was not found",
  "admin login required",
  "Deployment not found",
  "Password expired",
] as const;

function utf8Base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function base64Url(base64: string): string {
  return base64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function mixedCase(text: string): string {
  return [...text].map((c, i) => i % 2 ? c.toUpperCase() : c.toLowerCase())
    .join("");
}

/** Every whole form of a secret a server may echo. */
function wholeForms(secret: string): [string, string][] {
  const base64 = utf8Base64(new TextEncoder().encode(secret));
  const asciiJson = JSON.stringify(secret).slice(1, -1).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return [
    ["as it is", secret],
    ["in upper case", secret.toUpperCase()],
    ["in lower case", secret.toLowerCase()],
    ["in mixed case", mixedCase(secret)],
    ["URL-encoded", encodeURIComponent(secret)],
    ["URL-encoded in upper case", encodeURIComponent(secret.toUpperCase())],
    ["URL-encoded, lower-case hex", encodeURIComponent(secret).toLowerCase()],
    ["form-encoded", new URLSearchParams({ p: secret }).toString().slice(2)],
    ["JSON-escaped", JSON.stringify(secret).slice(1, -1)],
    ["JSON-escaped as ASCII", asciiJson],
    ["base64", base64],
    ["base64 without padding", base64.replace(/=+$/, "")],
    ["base64url", base64Url(base64)],
  ];
}

for (const secret of PASSWORDS) {
  Deno.test(`redact() finds ${JSON.stringify(secret)} whole, in every form`, () => {
    for (const [how, form] of wholeForms(secret)) {
      assert.equal(
        redact(`before ${form} after`, [secret]),
        `before ${REDACTED} after`,
        `${how}: ${form}`,
      );
      assert.equal(
        redactLine(`${form}`, [secret]),
        REDACTED,
        `${how} alone: ${form}`,
      );
    }
  });

  Deno.test(`redact() finds ${JSON.stringify(secret)} inside a larger base64 string at each alignment`, () => {
    const bytes = new TextEncoder().encode(secret);
    const filler = new TextEncoder().encode(
      "session=42;user=alice;expires=2026-11-22;",
    );
    for (let before = 0; before < 9; before++) {
      const blob = new Uint8Array([
        ...filler.slice(0, before),
        ...bytes,
        ...filler.slice(0, 7),
      ]);
      for (const base64 of [utf8Base64(blob), base64Url(utf8Base64(blob))]) {
        // What is left: the characters made of the filler's bits alone.
        const head = base64.slice(0, Math.floor(before * 8 / 6));
        const tail = base64.slice(
          Math.ceil((before + bytes.length) * 8 / 6),
        );
        assert.equal(
          redact(`token ${base64} end`, [secret]),
          `token ${head}${REDACTED}${tail} end`,
          `${before} bytes before: ${base64}`,
        );
      }
    }
  });

  Deno.test(`redactLine() finds a cut piece of ${JSON.stringify(secret)} at the edges`, () => {
    const chars = [...secret];
    for (let n = 6; n < chars.length; n++) {
      // (Whitespace at a piece's open edge is the text's, not the secret's.)
      const start = chars.slice(0, n).join("").trimEnd();
      const end = chars.slice(-n).join("").trimStart();
      // A server's message cut at 120 characters, ending with the start.
      const cut = "The value given is not valid for this account:"
        .padEnd(119 - start.length, "=") + " ";
      assert.equal(`${cut}${start}`.length, 120);
      assert.equal(redactLine(`${cut}${start}`, [secret]), `${cut}${REDACTED}`);
      assert.equal(
        redactLine(`${cut}${start.toUpperCase()}`, [secret]),
        `${cut}${REDACTED}`,
      );
      const message = serverMessage(
        JSON.stringify({ message: `${cut}${start}` }),
        [secret],
      ).serverMessage ?? "";
      assert.ok(!message.includes(start), message);
      // Cut with an ellipsis, in a short message.
      assert.equal(
        redactLine(`you sent ${start}...`, [secret]),
        `you sent ${REDACTED}...`,
      );
      // A message that begins with the end of the secret.
      const kept = WORD_ENDS[secret]?.includes(end) ?? false;
      assert.equal(
        redactLine(`${end} is not accepted`, [secret]),
        kept ? `${end} is not accepted` : `${REDACTED} is not accepted`,
        end,
      );
      // After an ellipsis, it is a cut even when it looks like a word.
      assert.equal(
        redactLine(`...${end} is not accepted`, [secret]),
        `...${REDACTED} is not accepted`,
      );
    }
  });

  Deno.test(`redactLine() finds ${JSON.stringify(secret)} split by tags and spaces`, () => {
    const chars = [...secret];
    const pieces: string[] = [];
    for (let i = 0; i < chars.length; i += 5) {
      pieces.push(chars.slice(i, i + 5).join(""));
    }
    assert.equal(
      redactLine(`before ${pieces.join(" ")} after`, [secret]),
      `before ${REDACTED} after`,
    );
    assert.equal(
      serverMessage(
        `<p>before <b>${pieces.join("</b><b>")}</b> after</p>`,
        [secret],
      ).serverMessage,
      `before ${REDACTED} after`,
    );
    for (let i = 1; i < chars.length; i++) {
      const head = chars.slice(0, i).join("");
      const tail = chars.slice(i).join("");
      for (const split of [" ", "<b>", "</b><i>", "\n", "…", "\u200b"]) {
        assert.equal(
          redactLine(`before ${head}${split}${tail} after`, [secret]),
          `before ${REDACTED} after`,
          `${head}${split}${tail}`,
        );
      }
    }
  });

  Deno.test(`redactLine() keeps ordinary sentences with the secret ${JSON.stringify(secret)}`, () => {
    for (const sentence of SENTENCES) {
      assert.equal(redactLine(sentence, [secret]), sentence);
      assert.equal(
        serverMessage(
          JSON.stringify({ error: { message: sentence } }),
          [secret],
        ).serverMessage,
        sentence,
      );
    }
  });
}

Deno.test("redactLine() keeps a word that merely occurs inside a secret", () => {
  const cases: [string, string][] = [
    ["Invalid login or password", "mypassword1"],
    ["Invalid login or password", "Password123"],
    ["the deployment was not found", "Deployment2024!"],
    ["Cannot find deployment", "Deployment2024!"],
    ["admin login required", "admin-login-99"],
    ["login failed for admin", "admin-login-99"],
    ["Deployment not found", "emulator-key-org-42-deployment-101"],
    ["Deployments not found", "emulator-key-org-42-all-deployments"],
    ["battery low, horse found", "correct horse battery staple"],
  ];
  for (const [text, secret] of cases) {
    assert.equal(redactLine(text, [secret]), text, `${text} / ${secret}`);
  }
});

Deno.test("redactLine() hides the whole piece, never part of it", () => {
  const secret = "mypassword1";
  assert.equal(
    redactLine("you sent mypasswo", [secret]),
    `you sent ${REDACTED}`,
  );
  assert.equal(redactLine("ssword1 is bad", [secret]), `${REDACTED} is bad`);
  assert.equal(
    redactLine("mypas sword1 and mypassw", [secret]),
    `${REDACTED} and ${REDACTED}`,
  );
  // Glued to other text: not a piece the server cut.
  assert.equal(redactLine("xmypasswo", [secret]), "xmypasswo");
  assert.equal(redactLine("ssword1x is bad", [secret]), "ssword1x is bad");
  // A whole word of the secret in a short text, with nothing that says it
  // was cut, is indistinguishable from the word, and kept.
  assert.equal(redactLine("mypassword", [secret]), "mypassword");
  assert.equal(redactLine("mypassword...", [secret]), `${REDACTED}...`);
  // redact() alone never hides less than a whole secret.
  assert.equal(redact("you sent mypasswo", [secret]), "you sent mypasswo");
});

Deno.test("redact() ignores short and missing secrets", () => {
  assert.equal(redact("abc ab abc", ["abc", undefined, ""]), "abc ab abc");
  assert.equal(redact("code 1234 sent", ["1234"]), `code ${REDACTED} sent`);
  assert.equal(redact("  \t ", ["    "]), "  \t ");
});

Deno.test("end to end: a wrong password is not shown, and the API's words are", async () => {
  await using emu = await startEmulator();
  const error = await rejection(
    startLogin({
      apiUrl: emu.cleuraUrl,
      login: "alice",
      password: "mypassword1",
    }),
    ApiError,
  );
  assert.equal(
    error.message,
    `Cannot log in "alice": the server answered ${
      bySpoken({ v1: 401, v2: 400 })
    }: Invalid login or password`,
  );
  assert.ok(!error.message.includes(REDACTED));
  assert.ok(!/mypassword1/i.test(error.message));
});

Deno.test("end to end: itopia with the emulator's API key keeps the word deployment", async () => {
  await using emu = await startEmulator();
  const error = await rejection(
    listCloudInstances(itopiaKeyAuth(emu), { deploymentId: 999 }),
    ApiError,
  );
  assert.equal(error.status, 404);
  assert.match(error.message, /: Deployment not found$/);
  assert.ok(!error.message.includes(REDACTED), error.message);
});
