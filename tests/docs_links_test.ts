import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const line of markdown.split("\n")) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    out.add(
      m[1]!.toLowerCase().replace(/[`*_]/g, "").replace(/[^\p{L}\p{N} -]/gu, "")
        .replace(/ /g, "-"),
    );
  }
  return out;
}

async function pages(): Promise<string[]> {
  const list = ["README.md"];
  for await (const e of Deno.readDir(new URL("docs/", ROOT))) {
    if (e.isFile && e.name.endsWith(".md")) list.push(`docs/${e.name}`);
  }
  return list;
}

Deno.test("every relative link and #anchor in README.md and docs/*.md resolves", async () => {
  const broken: string[] = [];
  for (const page of await pages()) {
    const base = new URL(page, ROOT);
    const text = await Deno.readTextFile(base);
    const code = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
    for (const [, target] of code.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue;
      const [path, hash] = target!.split("#");
      const url = path ? new URL(path, base) : base;
      let body: string;
      try {
        body = await Deno.readTextFile(url);
      } catch {
        broken.push(`${page}: ${target}`);
        continue;
      }
      if (hash !== undefined && !anchors(body).has(hash)) {
        broken.push(`${page}: ${target} (no such anchor)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("the README is at most 300 lines", async () => {
  const text = await Deno.readTextFile(new URL("README.md", ROOT));
  const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  assert.ok(lines <= 300, `README.md has ${lines} lines`);
});

Deno.test("docs/layout.md lists every module with its doc, as `deno task readme` writes it", async () => {
  const { withLayout } = await import("../scripts/layout.ts");
  const page = await Deno.readTextFile(new URL("docs/layout.md", ROOT));
  const fresh = await withLayout(page);
  // deno fmt rewraps the list; compare the module paths and words only.
  const words = (text: string) => text.replace(/\s+/g, " ");
  assert.equal(words(page), words(fresh), "run `deno task readme`");
});
