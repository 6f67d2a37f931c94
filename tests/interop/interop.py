#!/usr/bin/env python3
"""Interop checks: do non-Rust tools speak the same JSON contract as the Rust side?

Run by tests/interop/run.sh inside the venv it installs (${CARGO_TARGET_DIR:-target}/interop/venv); see there.
Prints one line per check group (details only on failure) and ends with 'N passed, N failed'.
"""
import argparse
import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import typing
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_SCHEMAS = [
    "command.schema.json",
    "snapshot.schema.json",
    "replay-output.schema.json",
    "postmortem.schema.json",
    "comms-update.schema.json",
    "playbook.schema.json",
]
MAX_DETAILS = 25
EXTRA_FIELD = "zz_interop_unknown_field"
# command.schema.json's $defs entry with every command as a union tagged by `type`: what the
# generators' users parse with (the root dispatches with if/then, which generators ignore).
UNION = "AnyCommand"
# docs/contract.md: this many errors at most for one wrong field in a generated pydantic model
MAX_PYDANTIC_ERRORS = 3


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def group(self, name, passed, failures, summary=""):
        """One line per group; failures (a list of strings) are printed under it."""
        self.passed += passed
        self.failed += len(failures)
        status = "FAIL" if failures else "ok  "
        counts = f"{passed} passed" + (f", {len(failures)} failed" if failures else "")
        print(f"{status} {name}: {counts}" + (f" ({summary})" if summary else ""), flush=True)
        for line in failures[:MAX_DETAILS]:
            for i, part in enumerate(str(line).splitlines() or [""]):
                print(("       - " if i == 0 else "         ") + part)
        if len(failures) > MAX_DETAILS:
            print(f"       ... and {len(failures) - MAX_DETAILS} more")
        sys.stdout.flush()


def run(cmd, timeout=300, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)


def tail(text, n=15):
    lines = [l for l in (text or "").strip().splitlines() if l.strip()]
    return "\n".join(lines[-n:])


# ---------------------------------------------------------------- JSON lines

class NotJson(ValueError):
    pass


def _no_duplicates(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise NotJson(f"duplicate key {k!r}")
        seen.add(k)
    return dict(pairs)


def _no_constant(name):
    raise NotJson(f"{name} is not JSON")


def parse_line(text):
    """Strict JSON: duplicate keys and NaN/Infinity make a line not JSON (as for the Rust side)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise NotJson(str(e)) from None


def read_lines(path):
    """1-based numbering that counts every line, blank ones included (docs/contract.md)."""
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", errors="replace")
    parts = data.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return [(i + 1, p[:-1] if p.endswith("\r") else p) for i, p in enumerate(parts)]


# ---------------------------------------------------------------- formats

INTEGER_FORMATS = {
    "int8": (-(2**7), 2**7 - 1), "int16": (-(2**15), 2**15 - 1), "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1), "int": (-(2**63), 2**63 - 1), "int128": (-(2**127), 2**127 - 1),
    "uint8": (0, 2**8 - 1), "uint16": (0, 2**16 - 1), "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1), "uint": (0, 2**64 - 1), "uint128": (0, 2**128 - 1),
}


def format_checker():
    """FormatChecker with the formats schemars emits, checked as Ajv's side checks them."""
    from jsonschema import FormatChecker

    fc = FormatChecker()
    for name, (lo, hi) in INTEGER_FORMATS.items():
        def check(x, lo=lo, hi=hi):
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                return True
            if isinstance(x, float) and not x.is_integer():
                return False
            return lo <= x <= hi
        fc.checks(name)(check)
    for name in ("float", "double"):
        fc.checks(name)(lambda x: True)
    return fc


# ---------------------------------------------------------------- the checks

def load_schemas(schemas_dir):
    files = sorted(os.path.join(schemas_dir, n) for n in os.listdir(schemas_dir) if n.endswith(".json"))
    loaded = {}
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                loaded[f] = json.load(fh)
        except (OSError, ValueError) as e:
            loaded[f] = e
    return files, loaded


def python_validator(schema_file, loaded):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for f, s in loaded.items():
        if isinstance(s, dict) and isinstance(s.get("$id"), str):
            resources.append((s["$id"], Resource.from_contents(s, default_specification=DRAFT202012)))
    registry = Registry().with_resources(resources)
    return Draft202012Validator(loaded[schema_file], registry=registry, format_checker=format_checker())


def py_errors(validator, value):
    from jsonschema.exceptions import best_match

    try:
        err = best_match(validator.iter_errors(value))
    except Exception as e:  # noqa: BLE001 - e.g. an unresolvable $ref
        return [f"jsonschema cannot validate: {type(e).__name__}: {e}"]
    if err is None:
        return []
    where = "/" + "/".join(str(p) for p in err.absolute_path)
    return [f"{where} {err.message[:300]}"]


SNAPSHOTS = []  # (case name, snapshot) for every incident the cases' replays print


def rust_verdicts(binary, cases):
    """Per case: (lines, {line_no: 'accepted' | 'structural' | 'semantic'}) for every non-blank
    line, and the arguments of the report group for it. Collects the snapshots in SNAPSHOTS."""
    verdicts, failures = {}, []
    counts = {"accepted": 0, "structural": 0, "semantic": 0}
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        return None, ("rust verdicts", 0, [f"no executable at {binary} (build it: cargo build --features cli)"])
    for case in cases:
        name = os.path.basename(case)
        lines = read_lines(case)
        try:
            playbook = case[: -len(".jsonl")] + ".playbook.json"
            extra = ["--playbook", playbook] if os.path.exists(playbook) else []
            proc = run([binary, "replay", "--keep-going", "--format", "json", *extra, case], timeout=120)
        except subprocess.TimeoutExpired:
            failures.append(f"{name}: no answer in 120 s")
            continue
        except OSError as e:
            failures.append(f"{name}: cannot run {binary}: {e}")
            continue
        problems = []
        if proc.returncode not in (0, 1, 2):
            problems.append(f"exit code {proc.returncode}")
        try:
            out = json.loads(proc.stdout)
            rejections = out["rejections"]
            assert isinstance(rejections, list)
            SNAPSHOTS.extend((name, snap) for snap in out.get("incidents") or [])
        except (ValueError, KeyError, TypeError, AssertionError):
            failures.append(f"{name}: stdout is not the replay JSON document: {proc.stdout[:200]!r} {tail(proc.stderr, 3)!r}")
            continue
        by_line = {}
        for r in rejections:
            rules = {r.get("rule")} | {v.get("rule") for v in r.get("violations") or [] if isinstance(v, dict)}
            by_line.setdefault(r.get("line"), set()).update(rules)
        text = dict(lines)
        v = {}
        for no, t in lines:
            if not t.strip():
                continue
            if no in by_line:
                # the top-level rule decides; malformed-input is reported alone
                v[no] = "structural" if "malformed-input" in by_line[no] else "semantic"
            else:
                v[no] = "accepted"
            counts[v[no]] += 1
        for no in by_line:
            if not isinstance(no, int) or no not in text:
                problems.append(f"rejection names line {no!r}, but the file has {len(lines)} lines (1-based)")
            elif not text[no].strip():
                problems.append(f"rejection names line {no}, which is blank (line numbers are 1-based and count blank lines)")
        if problems:
            failures.append(f"{name}: " + "; ".join(problems))
        verdicts[case] = (lines, v)
    return verdicts, ("rust verdicts", len(cases) - len(failures), failures,
                      f"{len(cases)} cases: {counts['accepted']} accepted, {counts['structural']} malformed-input, "
                      f"{counts['semantic']} semantic lines")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--scratch", required=True)
    ap.add_argument("--node-modules", required=True)
    a = ap.parse_args()
    report = REPORT
    work = os.path.join(a.scratch, "run")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    nm = a.node_modules
    node_env = dict(os.environ, NODE_PATH=nm)

    # -- schema files ----------------------------------------------------------------
    if not os.path.isdir(a.schemas):
        report.group("schema files", 0, [f"no folder {a.schemas} (the Rust side writes it: incident schema --out schemas)"])
        return finish(report)
    files, loaded = load_schemas(a.schemas)
    missing = [n for n in EXPECTED_SCHEMAS if not os.path.isfile(os.path.join(a.schemas, n))]
    report.group("schema files", len(EXPECTED_SCHEMAS) - len(missing), [f"missing {n}" for n in missing],
                 f"{len(files)} *.json in {a.schemas}")
    command_file = os.path.join(a.schemas, "command.schema.json")
    snapshot_file = os.path.join(a.schemas, "snapshot.schema.json")
    have_command = isinstance(loaded.get(command_file), dict)

    # -- cases: the Rust verdict for every line (reported after the schema groups) --------
    cases = sorted(os.path.join(a.cases, n) for n in os.listdir(a.cases) if n.endswith(".jsonl")) if os.path.isdir(a.cases) else []
    verdicts, verdict_group = rust_verdicts(a.binary, cases) if cases else (None, ("cases", 0, [f"no *.jsonl in {a.cases}"]))

    # lines that need a verdict from both validators, plus the SEV1-without-scribe probes
    needed = []  # (key, case, line_no, text, rust_verdict, parsed_or_NotJson)
    if verdicts:
        for case, (lines, v) in verdicts.items():
            text = dict(lines)
            for no, verdict in sorted(v.items()):
                try:
                    parsed = parse_line(text[no])
                except NotJson as e:
                    parsed = e
                needed.append((f"{os.path.basename(case)}:{no}", case, no, text[no], verdict, parsed))
    accepted = [n for n in needed if n[4] == "accepted" and not isinstance(n[5], NotJson)]
    sev1 = find_sev1_declare(accepted) or ("built-in SEV1 declare", BUILTIN_SEV1_DECLARE)
    probes = sev1_probes(sev1)
    bad_severity = dict(copy.deepcopy(sev1[1]), severity="SEV9")
    sev1_snapshot = next((f"{c}:{x.get('incident_id')}", x) for c, x in SNAPSHOTS if x.get("severity") == "SEV1") \
        if any(x.get("severity") == "SEV1" for _, x in SNAPSHOTS) else None
    snapshot_values = [{"id": f"{c}#{i}", "value": x} for i, (c, x) in enumerate(SNAPSHOTS)]
    if sev1_snapshot:
        without = copy.deepcopy(sev1_snapshot[1])
        without["roles"].pop("scribe", None)
        snapshot_values.append({"id": "sev1-without-scribe", "value": without})

    # -- Ajv: compile every schema (strict), validate every line and probe ---------------
    job = {
        "schemas": [{"file": f} for f in files],
        "target": command_file if have_command else None,
        "lines": [{"id": k, "text": t} for (k, _, _, t, _, p) in needed if not isinstance(p, NotJson)],
        "values": [{"id": k, "value": val} for k, val in probes.items()] + [{"id": "bad-severity", "value": bad_severity}],
        "snapshot_target": snapshot_file if isinstance(loaded.get(snapshot_file), dict) else None,
        "snapshot_values": snapshot_values,
    }
    job_file = os.path.join(work, "ajv-job.json")
    with open(job_file, "w") as fh:
        json.dump(job, fh)
    ajv = None
    try:
        proc = run(["node", os.path.join(HERE, "ajv_check.cjs"), job_file], env=node_env)
        if proc.returncode == 0:
            ajv = json.loads(proc.stdout)
        else:
            report.group("ajv strict compile", 0, [f"ajv_check.cjs exited {proc.returncode}:\n{tail(proc.stderr)}"])
    except (subprocess.TimeoutExpired, ValueError) as e:
        report.group("ajv strict compile", 0, [f"ajv_check.cjs: {e}"])
    if ajv is not None:
        fails = [f"{os.path.basename(c['file'])} does not compile: {c['error']}" for c in ajv["compile"] if not c["ok"]]
        ext = ajv.get("extensions") or []
        report.group("ajv strict compile (Ajv2020, strict: true, ajv-formats)", len(ajv["compile"]) - len(fails), fails,
                     f"annotation keywords: {', '.join(ext)}" if ext else "")

    # -- jsonschema: every schema is valid against the Draft 2020-12 meta-schema ----------
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    fails, ok = [], 0
    for f in files:
        s = loaded[f]
        if isinstance(s, Exception):
            fails.append(f"{os.path.basename(f)}: not JSON: {s}")
            continue
        try:
            Draft202012Validator.check_schema(s)
        except SchemaError as e:
            fails.append(f"{os.path.basename(f)}: {e.message[:300]} at {'/'.join(map(str, e.absolute_path))}")
            continue
        if s.get("$schema") not in (None, "https://json-schema.org/draft/2020-12/schema"):
            fails.append(f"{os.path.basename(f)}: $schema is {s.get('$schema')!r}, not Draft 2020-12")
            continue
        ok += 1
    report.group("jsonschema Draft 2020-12 meta-schema", ok, fails)

    report.group(*verdict_group)

    # -- verdicts: Ajv and jsonschema against Rust ----------------------------------------
    pyval = None
    if have_command:
        try:
            pyval = python_validator(command_file, loaded)
        except Exception as e:  # noqa: BLE001 - report whatever the library raises
            report.group("jsonschema validator", 0, [f"cannot build a Draft202012Validator for command.schema.json: {e}"])
        fc_missing = [f for f in ("date-time", "date", "uuid") if f not in format_checker().checkers]
        if fc_missing:
            report.group("jsonschema FormatChecker", 0, [f"format(s) {fc_missing} not checked (is rfc3339-validator installed?)"])
    for tool in ("ajv", "jsonschema") if (verdicts is not None and have_command) else ():
        if tool == "ajv" and (ajv is None or ajv.get("target_error")):
            report.group("ajv vs rust verdicts", 0, [ajv.get("target_error") if ajv else "Ajv did not run"])
            continue
        if tool == "jsonschema" and pyval is None:
            continue
        fails, ok = [], 0
        for key, case, no, text, verdict, parsed in needed:
            if verdict == "semantic":
                continue
            if isinstance(parsed, NotJson):
                valid, errs = False, [f"not JSON: {parsed}"]
            elif tool == "ajv":
                r = ajv["lines"][key]
                valid, errs = r["valid"], r["errors"]
            else:
                errs = py_errors(pyval, parsed)
                valid = not errs
            if (verdict == "accepted") == valid:
                ok += 1
            elif verdict == "accepted":
                fails.append(f"{key}: Rust accepted, {tool} rejects: {'; '.join(errs)}\n{text[:160]}")
            else:
                fails.append(f"{key}: Rust rejected it as malformed-input, {tool} accepts it\n{text[:160]}")
        report.group(f"{tool} vs rust verdicts", ok, fails,
                     "malformed-input lines rejected, accepted lines accepted")

    if have_command:
        # -- a SEV1 declare without scribe (etc.) is rejected by the schema ----------------
        fails, ok = [], 0
        for key, val in probes.items():
            for tool in ("jsonschema", "ajv"):
                if tool == "jsonschema":
                    if pyval is None:
                        continue
                    errs = py_errors(pyval, val)
                else:
                    if ajv is None or key not in ajv["values"]:
                        continue
                    errs = ajv["values"][key]["errors"]
                if key == "as-is" and errs:
                    fails.append(f"{tool} rejects the complete SEV1 declare ({sev1[0]}): {'; '.join(errs)}")
                elif key != "as-is" and not errs:
                    fails.append(f"{tool} accepts a SEV1 declare {key.replace('-', ' ')} "
                                 f"(the schema needs if/then on severity), from {sev1[0]}")
                else:
                    ok += 1
        report.group("SEV1 declare needs scribe, engineering_lead, communications_owner", ok, fails,
                     f"schema verdicts on {sev1[0]} with each role removed")

        dispatch_checks(pyval, ajv, bad_severity, sev1[0], report)
    snapshot_checks(snapshot_file, loaded, ajv, snapshot_values, report)

    # -- TypeScript: json-schema-to-typescript + tsc --strict ------------------------------
    typescript(a, loaded, command_file, snapshot_file, work, nm, node_env, report)

    # -- pydantic v2 models: datamodel-code-generator -------------------------------------
    if have_command:
        pydantic_checks(command_file, accepted, work, report, bad_severity)

    # -- docs/other-languages.md's Python and TypeScript steps, run as written --------------------------
    import readme_steps

    readme_steps.run_all(a, nm, report)
    return finish(report)


def dispatch_checks(pyval, ajv, bad_severity, source, report):
    """The command schema dispatches on `type`: validators name the wrong field itself."""
    fails, ok = [], 0
    if pyval is not None:
        from jsonschema.exceptions import best_match

        err = best_match(pyval.iter_errors(bad_severity))
        if err is not None and err.json_path == "$.severity":
            ok += 1
        else:
            fails.append(f"jsonschema best_match on a declare with severity SEV9 names "
                         f"{err.json_path if err else None!r}, not '$.severity': {err.message[:200] if err else ''}")
    if ajv is not None and "bad-severity" in ajv["values"]:
        errs = ajv["values"]["bad-severity"]["errors"]
        if errs and all(e.startswith("/severity ") or e.startswith("/ must match") for e in errs) \
                and any(e.startswith("/severity ") for e in errs):
            ok += 1
        else:
            fails.append(f"Ajv on a declare with severity SEV9 says {errs}, not only /severity")
    report.group("dispatch on type: a bad severity is reported at $.severity", ok, fails,
                 f"jsonschema best_match and Ajv on {source} with severity SEV9")


def snapshot_checks(snapshot_file, loaded, ajv, snapshot_values, report):
    """Every snapshot the cases produce validates; a SEV1 one without a scribe does not."""
    if not isinstance(loaded.get(snapshot_file), dict):
        return
    pysnap = python_validator(snapshot_file, loaded)
    fails, ok = [], 0
    if not any(e["id"] == "sev1-without-scribe" for e in snapshot_values):
        fails.append("no case ends in a SEV1 incident, so the SEV1 condition is not probed")
    for entry in snapshot_values:
        key, value = entry["id"], entry["value"]
        want_valid = key != "sev1-without-scribe"
        verdicts = {"jsonschema": py_errors(pysnap, value)}
        if ajv is not None and key in (ajv.get("snapshot_values") or {}):
            verdicts["ajv"] = ajv["snapshot_values"][key]["errors"]
        else:
            fails.append(f"{key}: no Ajv verdict")
        for tool, errs in verdicts.items():
            if want_valid == (not errs):
                ok += 1
            elif want_valid:
                fails.append(f"{key}: {tool} rejects a snapshot the crate produced: {'; '.join(errs)}")
            else:
                fails.append(f"{key}: {tool} accepts a SEV1 snapshot without scribe")
    report.group("snapshot schema: every replayed snapshot valid, SEV1 without scribe not", ok, fails,
                 f"{len(snapshot_values)} snapshots, jsonschema and Ajv")


# Used when no case has an accepted SEV1 declare (the same command as declare-sev1.ts).
BUILTIN_SEV1_DECLARE = {
    "type": "declare", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
    "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
    "title": "Document uploads failing", "severity": "SEV1",
    "impact": {"environment": "production", "users": "All tenants uploading documents",
               "feature": "Document upload", "started_at": "2026-05-04T09:00:00Z",
               "user_impact_active": True, "flags": ["broad_outage"], "surfaces": ["api", "frontend"],
               "affected_endpoints": ["/api/documents"], "affected_dependencies": ["Blob Storage"]},
    "roles": {"commander": "Ada", "technical_lead": "Grace", "communications_owner": "Linus",
              "scribe": "Ken", "engineering_lead": "Linus"},
    "update": {"impact": "Uploads fail for all users", "action": "Checking the 09:02 deploy",
               "next_update": "2026-05-04T09:35:00Z", "owner": "Ada"},
}


def find_sev1_declare(accepted):
    for key, case, no, text, verdict, parsed in accepted:
        if isinstance(parsed, dict) and parsed.get("type") == "declare" and parsed.get("severity") == "SEV1" \
                and isinstance(parsed.get("roles"), dict) and parsed["roles"].get("scribe"):
            return key, parsed
    return None


def sev1_probes(sev1):
    base = sev1[1]
    probes = {"as-is": base}
    for role in ("scribe", "engineering_lead", "communications_owner"):
        p = copy.deepcopy(base)
        p["roles"].pop(role, None)
        p["command_id"] = str(uuid.uuid4())
        probes[f"without-{role}"] = p
    return probes


def typescript(a, loaded, command_file, snapshot_file, work, nm, node_env, report):
    ts_dir = os.path.join(work, "ts")
    os.makedirs(ts_dir)
    fails, ok, roots = [], 0, {}
    for label, f, wanted in (("command", command_file, [UNION]), ("snapshot", snapshot_file, [])):
        if not isinstance(loaded.get(f), dict):
            fails.append(f"json2ts {label}: no usable {os.path.basename(f)}")
            continue
        proc = run(["node", os.path.join(HERE, "json2ts.cjs"), f, os.path.join(ts_dir, f"{label}.ts")] + wanted,
                   env=node_env)
        if proc.returncode != 0:
            fails.append(f"json2ts {os.path.basename(f)} failed:\n{tail(proc.stderr)}")
            continue
        roots[label] = json.loads(proc.stdout)["root"]
        ok += 1
    if len(roots) == 2:
        with open(os.path.join(ts_dir, "roots.ts"), "w") as fh:
            fh.write(f'export type {{ {roots["command"]} as Command }} from "./command";\n'
                     f'export type {{ {roots["snapshot"]} as Snapshot }} from "./snapshot";\n')
    report.group("typescript generation (json-schema-to-typescript)", ok, fails,
                 ", ".join(f"{k} root type {v}" for k, v in roots.items()))
    if len(roots) != 2:
        return
    tsc = os.path.join(nm, ".bin", "tsc")
    for hand, what in (("declare-sev1.ts", "a valid SEV1 declare and a snapshot type-check"),
                       ("closed-types.ts", "the command type is closed: unknown field and SEV5 are errors")):
        shutil.copy(os.path.join(HERE, hand), ts_dir)
        config = os.path.join(ts_dir, f"tsconfig.{hand[:-3]}.json")
        with open(config, "w") as fh:
            json.dump({"compilerOptions": {
                "strict": True, "noEmit": True, "target": "es2022", "module": "esnext",
                "moduleResolution": "bundler", "types": [], "skipLibCheck": True},
                "files": ["command.ts", "snapshot.ts", "roots.ts", hand]}, fh, indent=2)
        proc = run([tsc, "--strict", "--noEmit", "-p", config], cwd=ts_dir)
        fails = [] if proc.returncode == 0 else [f"tsc --strict --noEmit -p {config}:\n{tail(proc.stdout + proc.stderr, 25)}"]
        report.group(f"tsc --strict {hand}", 1 - len(fails), fails, what)


def _classes_in(annotation):
    """Every class mentioned in a type annotation (through Union, Optional, list, Annotated, ...)."""
    out, stack = set(), [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type):
            out.add(t)
        stack.extend(typing.get_args(t))
    return out


def find_root_model(module, schema):
    """The generated class for the whole schema: the one model no other model refers to."""
    from pydantic import BaseModel, RootModel

    models = [c for c in vars(module).values()
              if isinstance(c, type) and issubclass(c, BaseModel) and c.__module__ == module.__name__]
    referenced = set()
    for m in models:
        for f in m.model_fields.values():
            referenced |= _classes_in(f.annotation)
    roots = [m for m in models if m not in referenced]
    union = [m for m in models if m.__name__ == UNION]
    if union:
        return union[0], None
    if len(roots) == 1:
        return roots[0], None
    title = re.sub(r"\W", "", str(schema.get("title", "")))
    named = [m for m in roots if m.__name__ == title]
    if len(named) == 1:
        return named[0], None
    rootish = [m for m in roots if issubclass(m, RootModel)]
    if len(rootish) == 1:
        return rootish[0], None
    return None, f"cannot tell the root model among {sorted(m.__name__ for m in roots) or sorted(m.__name__ for m in models)}"


def pydantic_checks(command_file, accepted, work, report, bad_severity):
    out_py = os.path.join(work, "command_models.py")
    codegen = os.path.join(os.path.dirname(sys.executable), "datamodel-codegen")
    cmd = [codegen, "--input", command_file, "--input-file-type", "jsonschema",
           "--output", out_py, "--output-model-type", "pydantic_v2.BaseModel",
           "--extra-fields", "forbid", "--target-python-version", "3.11",
           "--output-datetime-class", "AwareDatetime", "--disable-timestamp", "--formatters", "builtin"]
    proc = run(cmd)
    if proc.returncode != 0 or not os.path.isfile(out_py):
        report.group("pydantic models (datamodel-code-generator)", 0,
                     [f"datamodel-codegen exited {proc.returncode}:\n{tail(proc.stderr)}"])
        return
    try:
        spec = importlib.util.spec_from_file_location("interop_command_models", out_py)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        with open(command_file) as fh:
            root, why = find_root_model(module, json.load(fh))
    except Exception as e:  # noqa: BLE001
        report.group("pydantic models (datamodel-code-generator)", 0, [f"generated {out_py} does not import: {e}"])
        return
    if root is None:
        report.group("pydantic models (datamodel-code-generator)", 0, [why])
        return
    forbid_all = [m.__name__ for m in vars(module).values()
                  if isinstance(m, type) and m.__module__ == module.__name__ and hasattr(m, "model_config")
                  and m.model_config.get("extra") != "forbid"
                  and not getattr(m, "__pydantic_root_model__", False)]
    gen_fails = [f"models that do not forbid extra fields: {forbid_all}"] if forbid_all else []
    report.group("pydantic models (datamodel-code-generator)", 1, gen_fails, f"root model {root.__name__}")

    from pydantic import ValidationError

    fails, ok = [], 0
    for key, case, no, text, verdict, parsed in accepted:
        try:
            root.model_validate_json(text)
            ok += 1
        except ValidationError as e:
            fails.append(f"{key}: accepted by Rust, rejected by {root.__name__}: {str(e).splitlines()[0]} "
                         f"{'; '.join(str(x['loc']) + ' ' + x['msg'] for x in e.errors()[:3])}")
    report.group(f"pydantic {root.__name__} parses accepted lines", ok, fails)

    fails, ok = [], 0
    for key, case, no, text, verdict, parsed in accepted:
        if not isinstance(parsed, dict):
            continue
        extra = dict(parsed, **{EXTRA_FIELD: 1})
        try:
            root.model_validate_json(json.dumps(extra))
            fails.append(f"{key}: a copy with an unknown field {EXTRA_FIELD!r} parses (extra fields must be forbidden)")
        except ValidationError:
            ok += 1
    report.group(f"pydantic {root.__name__} rejects an unknown field", ok, fails)

    try:
        root.model_validate_json(json.dumps(bad_severity))
        errors = []
    except ValidationError as e:
        errors = e.errors()
    at_severity = [x for x in errors if "severity" in map(str, x["loc"])]
    fails = [] if errors and len(errors) <= MAX_PYDANTIC_ERRORS and at_severity else [
        f"{len(errors)} errors for one bad severity (want 1..{MAX_PYDANTIC_ERRORS}, at severity): "
        f"{'; '.join(str(x['loc']) + ' ' + x['msg'] for x in errors[:5])}"]
    report.group(f"pydantic {root.__name__} dispatches on type", 1 - len(fails), fails,
                 f"{len(errors)} error(s) for severity SEV9: {[tuple(x['loc']) for x in errors[:3]]}")


def finish(report):
    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed or not report.passed else 0


REPORT = Report()

if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 - still end with the counting line
        import traceback

        traceback.print_exc(limit=6, file=sys.stdout)
        print("FAIL interop.py crashed (above)")
        print(f"{REPORT.passed} passed, {REPORT.failed + 1} failed")
        sys.exit(1)
