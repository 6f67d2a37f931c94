"use strict";
// TypeScript side of tests/interop/run.sh (driven by interop.py).
//
//   node json2ts.cjs IN.schema.json OUT.ts [TYPE]  ->  {"root": "<name of the generated root type>"}
//
// The root type's name comes from the schema's "title" (or the file name), and json2ts may
// write other declarations before it, so it is found in the output: the exported type that
// no other declaration refers to (preferring the one named after the title). With TYPE (a
// name in the schema's $defs, such as command.schema.json's "AnyCommand" union), that type is
// the root, and the $defs nothing refers to are generated too (--unreachableDefinitions).
const fs = require("fs");
const path = require("path");
const { compileFromFile } = require("json-schema-to-typescript");

function findRoot(ts, title) {
  const names = [...ts.matchAll(/^export (?:declare )?(?:type|interface|enum|const enum) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  const code = ts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const uses = (n) => (code.match(new RegExp(`(?<![\\w$])${n.replace(/\$/g, "\\$")}(?![\\w$])`, "g")) || []).length;
  const roots = names.filter((n) => uses(n) === 1);
  const key = (s) => String(s || "").replace(/[^A-Za-z0-9]/g, "").toLowerCase();
  const titled = roots.filter((n) => key(n) === key(title));
  if (titled.length === 1) return titled[0];
  if (roots.length === 1) return roots[0];
  const byTitle = names.filter((n) => key(n) === key(title));
  return byTitle.length === 1 ? byTitle[0] : null;
}

async function main() {
  const [input, output, wanted] = process.argv.slice(2);
  const ts = await compileFromFile(input, {
    cwd: path.dirname(input),
    bannerComment: `/* Generated from ${path.basename(input)} by tests/interop/run.sh; do not edit. */`,
    format: false,
    declareExternallyReferenced: true,
    unreachableDefinitions: Boolean(wanted),
  });
  fs.writeFileSync(output, ts);
  const root = wanted
    ? (new RegExp(`^export (?:type|interface) ${wanted}\\b`, "m").test(ts) ? wanted : null)
    : findRoot(ts, JSON.parse(fs.readFileSync(input, "utf8")).title);
  if (!root) throw new Error(`cannot tell the root type in the output for ${input}`);
  process.stdout.write(JSON.stringify({ root }));
}

main().catch((e) => {
  process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
