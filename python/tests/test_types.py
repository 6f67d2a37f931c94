"""The types: mypy --strict on the package (its stubs), these tests and every Python block of the
README and docs/ that docs_blocks.py runs; stubtest holds the stubs to the built module."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PYTHON = ROOT / "python"
# A ```python fence whose line above is no interop marker (those use other tools' packages).
BLOCK = re.compile(r"^(?P<above>[^\n]*)\n```python\n(?P<body>.*?)^```", re.M | re.S)


def python_blocks() -> list[tuple[str, str]]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for m in BLOCK.finditer(text):
            if "<!-- interop:" not in m.group("above"):
                line = text[: m.start("body")].count("\n") + 1
                found.append((f"{path.relative_to(ROOT)}:{line}", m.group("body")))
    return found


def mypy(*args: str, cwd: Path = PYTHON) -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", *args],
                          cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_guide_has_python_blocks() -> None:
    # The README shows only the install line; the guide has the examples (and the bot).
    places = [where for where, _ in python_blocks()]
    assert sum(p.startswith("docs/other-languages.md") for p in places) >= 2


def test_mypy_strict(tmp_path: Path) -> None:
    """One run (mypy's start-up is most of its time): the package, the tests and each block, as a
    module of its own, from the package's folder so that its stubs are the ones read."""
    blocks = []
    for n, (where, body) in enumerate(python_blocks()):
        block = tmp_path / f"docs_block_{n}.py"
        block.write_text(f"# {where}\n{body}", encoding="utf-8")
        blocks.append(str(block))
    mypy("incident_playbook", "tests", *blocks)


def test_mypy_sees_a_wrong_call_in_a_block(tmp_path: Path) -> None:
    block = tmp_path / "wrong.py"
    block.write_text("import incident_playbook as ip\nip.Incident.declare(42)\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="arg-type"):
        mypy(str(block))


def test_stubtest_holds_the_stubs_to_the_module() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy.stubtest", "incident_playbook",
                           "--allowlist", str(PYTHON / "stubtest-allowlist.txt")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
