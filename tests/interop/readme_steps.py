"""The Python and TypeScript steps of docs/other-languages.md, run as written (driven by interop.py).

docs/other-languages.md marks each step's fenced block with an HTML comment just above it:

    <!-- interop: NAME -->

NAME is one of STEPS below. The blocks are written to a scratch folder that holds a copy of
`schemas/` and the repository's `examples/data/commands.jsonl` (one valid command, then one with a
bad severity), and run
there with the pinned tools (the venv's bin/ first on PATH, the pinned node_modules linked in).
The install blocks are not run (they would install again); they are checked to name exactly
the versions pinned in requirements.txt and package.json, so what the guide installs is what
was run.
"""
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GUIDE = os.path.join(HERE, "..", "..", "docs", "other-languages.md")
MARK = re.compile(r"^<!-- interop: ([a-z0-9-]+) -->\s*\n```[a-z]*\n(.*?)^```", re.M | re.S)
INSTALLS = ("python-install", "js-install", "codegen-install")
RUNS = {  # step -> (file name, command)
    "python-validate": ("validate.py", ["python3", "validate.py"]),
    "js-validate": ("validate.mjs", ["node", "validate.mjs"]),
    "codegen": ("codegen.sh", ["sh", "codegen.sh"]),
    "python-models": ("models.py", ["python3", "models.py"]),
    "ts-models": ("use.ts", None),
}


def blocks(text):
    return {m.group(1): m.group(2) for m in MARK.finditer(text)}


def pins():
    with open(os.path.join(HERE, "requirements.txt")) as f:
        py = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", f.read(), re.M))
    with open(os.path.join(HERE, "package.json")) as f:
        js = json.load(f)["dependencies"]
    return {k.lower(): v for k, v in py.items()}, js


def check_installs(found):
    """Every `pip install name==version` and `npm install name@version` in the install blocks
    names the pinned version, and every install line pins what it names."""
    py, js = pins()
    fails = []
    for step in INSTALLS:
        lines = [l for l in found.get(step, "").splitlines() if l.strip()]
        if not lines:
            fails.append(f"{step}: no install line")
        for line in lines:
            words = line.split()
            if words[:2] == ["pip", "install"]:
                table, sep = py, "=="
            elif words[:2] == ["npm", "install"]:
                table, sep = js, "@"
            else:
                fails.append(f"{step}: not a pip or npm install line: {line}")
                continue
            for word in words[2:]:
                if word.startswith("-"):
                    continue
                name, _, version = word.rpartition(sep) if sep in word.lstrip("@") else (word, "", "")
                pinned = table.get(name.lower() if table is py else name)
                if not version or pinned != version:
                    fails.append(f"{step}: {word}, but the pin is {name}{sep}{pinned}")
    return fails


def run_all(a, node_modules, report):
    with open(GUIDE, encoding="utf-8") as f:
        found = blocks(f.read())
    missing = [s for s in list(INSTALLS) + list(RUNS) if s not in found]
    report.group("docs/other-languages.md steps marked", len(INSTALLS) + len(RUNS) - len(missing),
                 [f"no block marked <!-- interop: {s} --> in docs/other-languages.md" for s in missing])
    if missing:
        return
    fails = check_installs(found)
    report.group("docs/other-languages.md install steps name the pinned versions", 0 if fails else 1, fails)
    work = os.path.join(a.scratch, "run", "readme")
    os.makedirs(work)
    shutil.copytree(a.schemas, os.path.join(work, "schemas"))
    os.symlink(node_modules, os.path.join(work, "node_modules"))
    os.makedirs(os.path.join(work, "examples", "data"))
    shutil.copy(os.path.join(HERE, "..", "..", "examples", "data", "commands.jsonl"),
                os.path.join(work, "examples", "data"))
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    env.pop("NODE_PATH", None)
    for step, (name, cmd) in RUNS.items():
        with open(os.path.join(work, name), "w") as f:
            f.write(found[step])
        if cmd is None:
            continue
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        out = proc.stdout + proc.stderr
        fails = [] if proc.returncode == 0 else [f"exit {proc.returncode}:\n{out.strip()[-1500:]}"]
        if not fails and step in EXPECT and not re.search(EXPECT[step], out):
            fails.append(f"output does not match {EXPECT[step]!r}:\n{out.strip()[-800:]}")
        report.group(f"guide step {step} ({' '.join(cmd)})", 1 - len(fails), fails)
    tsc = os.path.join(node_modules, ".bin", "tsc")
    proc = subprocess.run([tsc, "--strict", "--noEmit", "--skipLibCheck", "--target", "es2022", "--module", "esnext",
                           "--moduleResolution", "bundler", "--types", "", "use.ts"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    fails = [] if proc.returncode == 0 else [f"tsc exit {proc.returncode}:\n{(proc.stdout + proc.stderr).strip()[-1500:]}"]
    report.group("guide step ts-models (tsc --strict use.ts)", 1 - len(fails), fails)


# What each step must print for examples/data/commands.jsonl (line 2 has severity SEV9).
EXPECT = {
    "python-validate": r"line 2: \$\.severity ",
    "js-validate": r"line 2: /severity ",
    "python-models": r"line 2: 1 error\(s\), first at \('declare', 'severity'\)",
}
