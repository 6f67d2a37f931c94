"""Hostile input: every failure is a Python exception the API names (Rejected, ValueError,
TypeError), never a PanicException from the Rust side."""

import json
import random
from typing import Any

import pytest

import incident_playbook as ip
from conftest import CASES

LINES = [line for p in sorted(CASES.glob("*.jsonl")) for line in p.read_text().splitlines() if line.strip()]
EXPECTED = (ip.Rejected, ValueError, TypeError)


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(chars) + 1)
        choice = rng.random()
        if choice < 0.4 and chars:
            del chars[min(i, len(chars) - 1)]
        elif choice < 0.8:
            chars.insert(i, rng.choice('{}[]":,0\\ \u0000\ud800\u00e9\U0001f600e-9'))
        else:
            chars[i:i] = list(rng.choice(['"SEV9"', "null", "1e999", "-0", '"\\ud800"', "[" * 50]))
    return "".join(chars)


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def call(f: Any, *args: Any) -> None:
    try:
        f(*args)
    except EXPECTED:
        pass


def test_mutated_lines_raise_only_named_exceptions() -> None:
    rng = random.Random(21)
    declares = [line for line in LINES if '"declare"' in line][:5]
    incident = ip.Incident.declare(declares[0])
    replay = ip.Replay()
    for _ in range(1500):
        line = mutate(rng, rng.choice(LINES))
        call(incident.decide, line)
        call(incident.handle, line)
        call(ip.Incident.declare, line)
        replay.line(line)  # a replay reports, never raises, for any str
    assert replay.lines == 1500


def test_lone_surrogates_are_malformed_input() -> None:
    with pytest.raises(ip.Rejected) as as_str:
        ip.Incident.declare('{"type": "declare", "title": "\ud800"}')
    with pytest.raises(ip.Rejected) as as_dict:
        ip.Incident.declare({"type": "declare", "title": "\ud800"})
    assert as_str.value.rules == as_dict.value.rules == ["malformed-input"]
    replay = ip.Replay()
    report = replay.line("\ud800")
    assert report is not None and report["rule"] == "malformed-input"
    assert replay.verdict == "malformed"
    declare = (CASES / "happy-sev1-full-lifecycle.jsonl").read_text().splitlines()[0]
    document = ip.replay(f"{declare}\n\ud800\n")  # one line of a text, not the whole text
    assert [(r["line"], r["rule"]) for r in document["rejections"]] == [(2, "malformed-input")]
    assert len(document["incidents"]) == 1


@pytest.mark.parametrize("text", [
    "[" * 100_000, "{" * 100_000, '{"a":' * 100_000, "\u0000", "1e99999", '"' + "x" * 5_000_000 + '"',
    json.dumps({"type": "declare", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
                "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
                "expected_version": 2**70}),
])
def test_extreme_text(text: str) -> None:
    with pytest.raises(ip.Rejected) as refused:
        ip.Incident.declare(text)
    assert refused.value.rules == ["malformed-input"]
    assert ip.replay([text])["rejections"][0]["rule"] == "malformed-input"
    call(ip.Playbook.from_json, text)
    call(ip.Incident.load, text)


def test_deep_and_odd_python_values() -> None:
    with pytest.raises(ip.Rejected):
        ip.Incident.declare(nested(200))  # json.dumps writes it; the reader's depth limit refuses it
    with pytest.raises((RecursionError, ip.Rejected)):
        ip.Incident.declare(nested(100_000))  # json.dumps itself gives up first
    with pytest.raises(TypeError):
        ip.Incident.declare({"type": "declare", "at": object()})
    with pytest.raises(TypeError):
        ip.Incident.declare({("tuple", "key"): 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        ip.replay([b"{}"])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        ip.replay(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ip.Playbook.from_json(nested(300))


def test_odd_times() -> None:
    incident = ip.Incident.declare(LINES[0]) if '"declare"' in LINES[0] else None
    assert incident is not None
    for now in ["", "9999-99-99T99:99:99Z", "2026-05-04T09:05:00", "\ud800"]:
        with pytest.raises((ValueError, UnicodeEncodeError)):
            incident.report(now)
    with pytest.raises(TypeError):
        incident.report(1.5)  # type: ignore[arg-type]
    assert incident.report("9999-12-31T23:59:59Z") is not None
