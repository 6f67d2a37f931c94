"""Every conformance case through the Python package: the same document and the same verdict as
`incident replay --keep-going --format json` gives, and the case's expectations met (judged by
tests/conformance/check.py's own `judge`)."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import incident_playbook as ip
from conftest import CASES, load_check

check = load_check()
CASE_FILES = sorted(CASES.glob("*.jsonl"))
EXIT = {"accepted": 0, "broken": 1, "malformed": 2}  # the CLI's exit codes (docs/contract.md)


def through_python(path: Path) -> tuple[int, Any]:
    _, playbook_path = check.read_case(str(path))
    playbook = None
    if playbook_path:
        with open(playbook_path, encoding="utf-8") as f:
            playbook = ip.Playbook.from_json(f.read())
    replay = ip.Replay(playbook)
    with open(path, encoding="utf-8", newline="") as lines:
        replay.feed(lines)
    return EXIT[replay.verdict], replay.output()


def through_cli(binary: str, path: Path) -> tuple[int, Any]:
    _, playbook = check.read_case(str(path))
    extra = ["--playbook", playbook] if playbook else []
    proc = subprocess.run([binary, "replay", "--keep-going", "--format", "json", *extra, str(path)],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, json.loads(proc.stdout)


def test_there_are_cases() -> None:
    assert len(CASE_FILES) >= 50


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_gives_the_clis_verdict(path: Path, incident_binary: str) -> None:
    exit_code, document = through_python(path)
    expect, _ = check.read_case(str(path))
    assert check.judge(expect, exit_code, document) == ""
    assert (exit_code, document) == through_cli(incident_binary, path)


@pytest.mark.parametrize("path", CASE_FILES[:: max(1, len(CASE_FILES) // 12)])
def test_replay_takes_a_whole_text_as_a_file(path: Path) -> None:
    _, playbook_path = check.read_case(str(path))
    playbook = ip.Playbook.from_json(Path(playbook_path).read_text()) if playbook_path else None
    text = path.read_text(encoding="utf-8")
    assert ip.replay(text, playbook) == ip.replay(text.splitlines(keepends=True), playbook)
