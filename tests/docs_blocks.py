#!/usr/bin/env python3
"""Runs every shell block of README.md and docs/*.md as written, and checks the other code blocks.

    python3 tests/docs_blocks.py [--bin-dir DIR] [FILE.md ...]

Each Markdown file gets a fresh scratch copy of the repository (its tracked files, mtimes kept),
under ${CARGO_TARGET_DIR:-target}/docs-blocks/, so blocks that write files leave no trace and
cargo commands in blocks reuse the built target (CARGO_TARGET_DIR points at it; a copy at the
same path with the same mtimes is not rebuilt). DIR (default ${CARGO_TARGET_DIR:-target}/debug,
where `cargo test --workspace --all-features` puts `incident`) comes first on PATH. The blocks of
one file run in order, in its copy's root.

What each fenced block gets, by its language and by an HTML comment on the line just above it:

- ```sh / ```bash / ```shell: run with bash under `set -eo pipefail`; it must exit 0.
- ```console: a transcript. Each `$ ` line (with `\\` continuations) runs in one bash session;
  the lines up to the next `$ ` are what it prints (standard output and error, as a terminal
  shows them), compared exactly.
- <!-- not run: REASON -->: not run (installs, long benchmarks, outside services); listed.
- <!-- interop: NAME -->: run by tests/interop/run.sh with its pinned tools; listed.
- <!-- background: HOST:PORT -->: a shell block started in the background; the runner waits
  until HOST:PORT accepts connections, runs the file's later blocks, then stops it. PORT may be
  `$NAME`: the runner picks a free port and sets NAME to it for this block and the file's later
  blocks, which write `${NAME:-8080}` (a reader's default) so that a port another process holds
  cannot fail the run.
- ```python: run with the Python package's interpreter (--python, default the venv .ci/run makes,
  ${CARGO_TARGET_DIR:-target}/python/venv/bin/python); it must exit 0. A ```text block marked
  <!-- printed: ... --> right after it is what it must print (standard output), compared exactly.
  Without --python, python blocks are skipped, with a notice, while the default interpreter
  cannot import incident_playbook (`pip install ./python` into it).
- ```rust: a doctest; the file must be a documentation module (`include_str!` in a lib.rs),
  and no line may be hidden with `# ` (it would show on the repository page).
- ```toml starting with `[dependencies]` or `[dev-dependencies]`: a new package beside the copy takes the lines as its
  dependencies, and `cargo metadata --offline` must resolve them.
- ```sql: each statement (comments dropped) is in the store's source, so the schema shown is
  the one created.
- ```json: parses (a document or JSON lines); tests/it/contract.rs checks what they mean.
- ```text, ```markdown, ```mermaid: shown, not run (tests/it/readme.rs holds some to golden
  files). A block without a language is an error (rustdoc would compile it as Rust).

Blocks that use `incident new` are skipped, with a notice, while `incident new --help` fails.
Exit status 0 when every block passed, 1 otherwise.
"""
import argparse
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([A-Za-z0-9_+-]*)[^`]*$")
MARKER = re.compile(r"^\s*<!--\s*(not run|interop|background|printed):\s*(.*?)\s*-->\s*$")
SHELLS = {"sh", "bash", "shell"}
SHOWN = {"text", "markdown", "mermaid"}
SEP = "\x1e"


class Block:
    def __init__(self, path, line, lang, body, marker):
        self.path, self.line, self.lang, self.body, self.marker = path, line, lang, body, marker

    def where(self):
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}"


def blocks(path):
    """The fenced blocks of a Markdown file, each with the marker comment just above it."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m.group(1), m.group(2), m.group(3)
        above = MARKER.match(lines[i - 1]) if i > 0 else None
        body, j = [], i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence[0] * len(fence)):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        marker = (above.group(1), above.group(2)) if above else None
        found.append(Block(path, i + 1, lang, "\n".join(body) + "\n", marker))
        i = j + 1
    return found


def tracked_files():
    # Tracked files and new ones not ignored: what a clone would hold once this is committed.
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    return [p for p in out.stdout.decode().split("\0") if p and os.path.isfile(os.path.join(ROOT, p))]


def scratch_copy(dest, files):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    for rel in files:
        target = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), target)


def transcript(body):
    """[(command, expected output)] of a console block."""
    steps, command, output = [], None, []
    lines = iter(body.rstrip("\n").split("\n"))
    for line in lines:
        if line.startswith("$ "):
            if command is not None:
                steps.append((command, "".join(output)))
            command, output = line[2:], []
            while command.endswith("\\"):
                command += "\n" + next(lines)
        elif command is not None:
            output.append(line + "\n")
    if command is not None:
        steps.append((command, "".join(output)))
    return steps


def run_console(block, cwd, env):
    steps = transcript(block.body)
    if not steps:
        return ["a console block without a `$ ` command"]
    script = ["exec 2>&1", "__rc=0"]
    for n, (command, _) in enumerate(steps):
        script += [f"printf '{SEP}%d\\n' {n}", "(exit $__rc)", command, "__rc=$?"]
    proc = subprocess.run(["bash", "-c", "\n".join(script)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    parts = proc.stdout.split(SEP)[1:]
    fails = []
    for n, (command, want) in enumerate(steps):
        got = parts[n].split("\n", 1)[1] if n < len(parts) else "(not reached)\n"
        if got and not got.endswith("\n"):
            got += "\n"  # a terminal would show the prompt after it
        if got != want:
            fails.append(f"$ {command}\n--- shown\n{want}--- printed\n{got}")
    return fails


def run_shell(block, cwd, env):
    proc = subprocess.run(["bash", "-c", "set -eo pipefail\n" + block.body], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return [f"exit {proc.returncode}:\n{(proc.stdout + proc.stderr).strip()[-2000:]}"]
    return []


def run_python(block, cwd, env, python):
    """Runs a python block; returns (failures, what it printed on standard output)."""
    proc = subprocess.run([python, "-c", block.body], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return [f"exit {proc.returncode}:\n{(proc.stdout + proc.stderr).strip()[-2000:]}"], None
    return [], proc.stdout


def check_printed(block, printed):
    if printed is None:
        return ["a <!-- printed --> block not right after a python block that ran"]
    if printed != block.body:
        return [f"--- shown\n{block.body}--- printed\n{printed}"]
    return []


def package_python(path, explicit):
    """The interpreter python blocks run with, or None (with why) where it cannot import the
    package; an explicit one that cannot is an error."""
    probe = subprocess.run([path, "-c", "import incident_playbook"], capture_output=True, text=True) \
        if os.access(path, os.X_OK) else None
    if probe is not None and probe.returncode == 0:
        return path, None
    why = f"{path} cannot import incident_playbook (pip install ./python into it)"
    if explicit:
        sys.exit(f"docs_blocks.py: --python {why}")
    return None, why


def free_port(host):
    """A port no one listens on now, on host (the system's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_background(block, cwd, env):
    """Starts block; a `$NAME` port is picked here and set as NAME in env (the file's)."""
    host, _, port = block.marker[1].rpartition(":")
    if port.startswith("$"):
        env[port[1:]] = port = str(free_port(host))
    log = open(os.path.join(os.path.dirname(cwd), "background.log"), "w+")
    proc = subprocess.Popen(["bash", "-c", block.body], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 600
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            return proc, [f"stopped (exit {proc.returncode}) before {host}:{port} answered:\n"
                          f"{log.read()[-2000:]}"]
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            return proc, []
        except OSError:
            time.sleep(0.5)
    return proc, [f"{host}:{port} did not answer within 600 s"]


def stop_background(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def check_rust(block, doc_modules):
    fails = []
    rel = os.path.relpath(block.path, ROOT)
    if rel not in doc_modules:
        fails.append(f"a Rust block in {rel}, which no lib.rs includes as a documentation module "
                     "(its blocks would not run as doctests)")
    for n, line in enumerate(block.body.split("\n")):
        if line == "#" or line.startswith("# "):
            fails.append(f"line {block.line + 1 + n} is hidden from rustdoc but shows on the "
                         f"repository page: {line}")
    return fails


def check_toml(block, scratch, env):
    if not block.body.startswith(("[dependencies]", "[dev-dependencies]")):
        return ["a toml block the runner does not know how to check "
                "(it checks [dependencies] and [dev-dependencies])"]
    app = os.path.join(os.path.dirname(scratch), "my-app")
    shutil.rmtree(app, ignore_errors=True)
    os.makedirs(os.path.join(app, "src"))
    with open(os.path.join(app, "Cargo.toml"), "w") as f:
        # An empty [workspace]: the package stands alone, whatever holds the folder.
        f.write('[package]\nname = "my-app"\nversion = "0.1.0"\nedition = "2024"\n\n[workspace]\n\n'
                + block.body)
    with open(os.path.join(app, "src", "main.rs"), "w") as f:
        f.write("fn main() {}\n")
    # The copy's lockfile, so that resolving needs only what the workspace already has.
    shutil.copy(os.path.join(scratch, "Cargo.lock"), app)
    proc = subprocess.run(["cargo", "metadata", "--offline", "--format-version", "1"], cwd=app,
                          env=env, capture_output=True, text=True, timeout=300)
    shutil.rmtree(app, ignore_errors=True)
    if proc.returncode != 0:
        return [f"cargo metadata in a package with these dependencies: {proc.stderr.strip()[-1500:]}"]
    return []


def check_sql(block):
    sources = ""
    for path in glob.glob(os.path.join(ROOT, "store", "src", "*.rs")):
        with open(path, encoding="utf-8") as f:
            sources += f.read()
    squash = lambda s: re.sub(r"\s+", " ", s).strip()
    code = squash(re.sub(r"--[^\n]*", "", block.body))
    fails = []
    for statement in filter(None, (s.strip() for s in code.split(";"))):
        shown = statement.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ")
        if shown not in squash(sources) and statement not in squash(sources):
            fails.append(f"not in store/src: {statement}")
    return fails


def check_json(block):
    import json
    try:
        json.loads(block.body)
        return []
    except ValueError:
        pass
    for n, line in enumerate(block.body.splitlines()):
        if line.strip():
            try:
                json.loads(line)
            except ValueError as e:
                return [f"neither a JSON document nor JSON lines (line {n + 1}: {e})"]
    return []


def documentation_modules():
    """Markdown files that a lib.rs includes, relative to the root."""
    found = set()
    for lib in glob.glob(os.path.join(ROOT, "**", "src", "lib.rs"), recursive=True):
        if "/target/" in lib or "/docs-blocks/" in lib:
            continue
        with open(lib, encoding="utf-8") as f:
            for rel in re.findall(r'include_str!\("([^"]+\.md)"\)', f.read()):
                found.add(os.path.relpath(os.path.normpath(os.path.join(os.path.dirname(lib), rel)), ROOT))
    return found


def main():
    # As cargo run from the root reads it (a relative CARGO_TARGET_DIR is from there).
    target = os.path.abspath(os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR") or "target"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin-dir", default=os.path.join(target, "debug"))
    ap.add_argument("--python", help="the interpreter python blocks run with (see above)")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    python, no_python = package_python(os.path.abspath(a.python or os.path.join(target, "python", "venv", "bin", "python")),
                                       a.python is not None)
    files = a.files or [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    bin_dir = os.path.abspath(a.bin_dir)
    if not os.access(os.path.join(bin_dir, "incident"), os.X_OK):
        sys.exit(f"no `incident` in {bin_dir}: build it first (cargo build --features cli)")
    base_env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""),
                    CARGO_TARGET_DIR=target, CARGO_TERM_COLOR="never", NO_COLOR="1")
    have_new = subprocess.run(["incident", "new", "--help"], env=base_env, capture_output=True).returncode == 0
    doc_modules = documentation_modules()
    tracked = tracked_files()
    counts, not_run, elsewhere, skipped, failures = {}, [], [], [], []
    started = time.time()
    for path in files:
        name = os.path.relpath(path, ROOT).replace("/", "_").removesuffix(".md")
        scratch = os.path.join(target, "docs-blocks", name, "incident-playbook")
        copied, background, printed = False, [], None
        env = dict(base_env)  # a port picked for one file's blocks is that file's
        try:
            for block in blocks(path):
                kind = block.marker[0] if block.marker else None
                fails, ran_python = None, False
                if block.lang == "":
                    fails = ["a block without a language (rustdoc would compile it as Rust)"]
                elif kind == "not run":
                    not_run.append(f"{block.where()} ({block.lang}): {block.marker[1]}")
                elif kind == "interop":
                    elsewhere.append(f"{block.where()} ({block.lang}): tests/interop/run.sh step {block.marker[1]}")
                elif kind == "printed" and python is None:
                    skipped.append(f"{block.where()}: what the python block above prints: {no_python}")
                elif kind == "printed":
                    fails = check_printed(block, printed)
                elif block.lang in SHOWN:
                    counts["shown"] = counts.get("shown", 0) + 1
                elif block.lang == "python" and python is None:
                    skipped.append(f"{block.where()}: {no_python}")
                elif block.lang == "python":
                    if not copied:
                        scratch_copy(scratch, tracked)
                        copied = True
                    fails, printed = run_python(block, scratch, env, python)
                    ran_python = True
                elif block.lang == "rust":
                    fails = check_rust(block, doc_modules)
                elif block.lang == "json":
                    fails = check_json(block)
                elif block.lang == "sql":
                    fails = check_sql(block)
                elif block.lang in SHELLS | {"console", "toml"}:
                    if "incident new" in block.body and not have_new:
                        skipped.append(f"{block.where()}: uses `incident new`, which this binary lacks")
                        continue
                    if not copied:
                        scratch_copy(scratch, tracked)
                        copied = True
                    if block.lang == "toml":
                        fails = check_toml(block, scratch, env)
                    elif kind == "background":
                        proc, fails = start_background(block, scratch, env)
                        background.append(proc)
                    elif block.lang == "console":
                        fails = run_console(block, scratch, env)
                    else:
                        fails = run_shell(block, scratch, env)
                else:
                    fails = [f"no way to run or check a ```{block.lang} block: mark it or teach tests/docs_blocks.py"]
                if not ran_python:
                    printed = None
                if fails is None:
                    continue
                counts[block.lang] = counts.get(block.lang, 0) + 1
                for fail in fails:
                    failures.append(f"{block.where()} ({block.lang}): {fail}")
        finally:
            for proc in background:
                stop_background(proc)
            if copied:
                shutil.rmtree(os.path.dirname(scratch), ignore_errors=True)
    checked = ", ".join(f"{n} {lang}" for lang, n in sorted(counts.items()))
    print(f"docs blocks: {checked} in {len(files)} files ({time.time() - started:.0f} s)")
    for title, rows in (("not run", not_run), ("run by tests/interop/run.sh", elsewhere),
                        ("skipped (no `incident new`, or no Python package)", skipped)):
        if rows:
            print(f"{title} ({len(rows)}):")
            for row in rows:
                print(f"  {row}")
    for fail in failures:
        print(f"FAILED {fail}\n")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
