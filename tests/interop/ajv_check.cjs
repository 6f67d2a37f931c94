"use strict";
// Ajv side of tests/interop/run.sh (driven by interop.py).
//
//   node ajv_check.cjs JOB.json   ->  one JSON document on stdout
//
// JOB: {"schemas": [{"file": "/abs/x.schema.json"}...], "target": "/abs/command.schema.json",
//       "lines": [{"id": "...", "text": "<raw line>"}...], "values": [{"id": "...", "value": <json>}...],
//       "snapshot_target": "/abs/snapshot.schema.json", "snapshot_values": [{"id": ..., "value": ...}...]}
// Every schema file is compiled with Ajv2020 in full strict mode (strict: true turns on
// strictSchema, strictNumbers, strictTypes, strictTuples and strictRequired), plus
// ajv-formats, plus the numeric formats schemars emits that ajv-formats does not know,
// plus the schemas' own "x-..." extension keywords as annotations.
// Then every line (parsed with JSON.parse) and every value is validated against "target", and
// every snapshot value against "snapshot_target".
const fs = require("fs");
const net = require("net");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

// schemars 1.x puts "format" on every Rust integer/float. ajv-formats knows int32, int64,
// float and double; these are the rest, each checked against the Rust type's range.
const INTEGER_FORMATS = {
  int8: [-(2 ** 7), 2 ** 7 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int: [-(2 ** 63), 2 ** 63 - 1], // isize (64-bit targets)
  int128: [-(2 ** 127), 2 ** 127 - 1],
  uint8: [0, 2 ** 8 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, 2 ** 64 - 1],
  uint: [0, 2 ** 64 - 1], // usize (64-bit targets)
  uint128: [0, 2 ** 128 - 1],
};

// "x-..." keys are extension annotations by convention (OpenAPI; schemars' `extend`), e.g.
// "x-contract-version". They are registered as annotation-only keywords, so strict mode still
// refuses every other unknown keyword (a typo such as "additionalproperty" fails).
function extensionKeywords(schemas) {
  const found = new Set();
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === "object") {
      for (const [k, v] of Object.entries(x)) {
        if (k.startsWith("x-")) found.add(k);
        walk(v);
      }
    }
  };
  schemas.forEach(walk);
  return [...found].sort();
}

let EXTENSIONS = [];

function newAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  if (EXTENSIONS.length) ajv.addVocabulary(EXTENSIONS);
  addFormats(ajv);
  for (const [name, [min, max]] of Object.entries(INTEGER_FORMATS)) {
    if (ajv.formats[name] === undefined) {
      ajv.addFormat(name, { type: "number", validate: (x) => Number.isInteger(x) && x >= min && x <= max });
    }
  }
  if (ajv.formats.ip === undefined) {
    // schemars: std::net::IpAddr
    ajv.addFormat("ip", { type: "string", validate: (x) => net.isIP(x) !== 0 });
  }
  return ajv;
}

function load(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

// A fresh Ajv per file (so one broken file does not hide another), with the other files
// registered too, so a cross-file $ref by $id would still resolve.
function ajvFor(file, all) {
  const ajv = newAjv();
  for (const other of all) {
    if (other.file === file || other.schema === undefined) continue;
    try {
      ajv.addSchema(other.schema, other.schema.$id === undefined ? other.file : undefined);
    } catch (_) {
      // reported when that file itself is compiled
    }
  }
  return ajv;
}

// Ajv lists the errors of every oneOf branch; keep those of the branches whose
// discriminating const (e.g. "type") matched, which is what a person wants to see.
function summarize(errors) {
  const list = errors || [];
  const branchOf = (e) => {
    const m = /^#\/oneOf\/(\d+)\//.exec(e.schemaPath);
    return m ? m[1] : null;
  };
  const constMiss = new Set(list.filter((e) => e.keyword === "const" && branchOf(e) !== null).map(branchOf));
  let keep = list.filter((e) => e.keyword !== "oneOf" && !(branchOf(e) !== null && constMiss.has(branchOf(e))));
  if (keep.length === 0) keep = list;
  return keep.slice(0, 4).map((e) => `${e.instancePath || "/"} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ""}${e.params && e.params.allowedValue !== undefined ? ` (${JSON.stringify(e.params.allowedValue)})` : ""}`);
}

function main() {
  const job = load(process.argv[2]);
  const all = job.schemas.map(({ file }) => {
    try {
      return { file, schema: load(file) };
    } catch (e) {
      return { file, error: `not JSON: ${e.message}` };
    }
  });
  EXTENSIONS = extensionKeywords(all.filter((e) => e.schema !== undefined).map((e) => e.schema));
  const out = { compile: [], extensions: EXTENSIONS, lines: {}, values: {}, snapshot_values: {}, target_error: null };
  let target = null;
  let snapshotTarget = null;
  for (const entry of all) {
    if (entry.error) {
      out.compile.push({ file: entry.file, ok: false, error: entry.error });
      continue;
    }
    try {
      const validate = ajvFor(entry.file, all).compile(entry.schema);
      out.compile.push({ file: entry.file, ok: true, id: entry.schema.$id || null });
      if (entry.file === job.target) target = validate;
      if (entry.file === job.snapshot_target) snapshotTarget = validate;
    } catch (e) {
      out.compile.push({ file: entry.file, ok: false, error: e.message });
    }
  }
  if (job.target && target === null) {
    out.target_error = `${job.target} did not compile`;
  } else if (target !== null) {
    for (const { id, text } of job.lines || []) {
      let value;
      try {
        value = JSON.parse(text);
      } catch (e) {
        out.lines[id] = { valid: false, errors: [`not JSON: ${e.message}`] };
        continue;
      }
      const valid = target(value);
      out.lines[id] = { valid, errors: valid ? [] : summarize(target.errors) };
    }
    for (const { id, value } of job.values || []) {
      const valid = target(value);
      out.values[id] = { valid, errors: valid ? [] : summarize(target.errors) };
    }
  }
  if (snapshotTarget !== null) {
    for (const { id, value } of job.snapshot_values || []) {
      const valid = snapshotTarget(value);
      out.snapshot_values[id] = { valid, errors: valid ? [] : summarize(snapshotTarget.errors) };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main();
