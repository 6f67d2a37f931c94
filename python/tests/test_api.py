"""The package's API: what the Rust API does, from Python (docs/library.md's steps, and more)."""

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import incident_playbook as ip
from conftest import CASES, ROOT

INCIDENT = "e2181857-7398-5cf2-aad9-acc3150b8632"


def declare(**changes: Any) -> dict[str, Any]:
    command: dict[str, Any] = {
        "type": "declare", "incident_id": INCIDENT,
        "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
        "title": "Document uploads failing", "severity": "SEV1",
        "impact": {"environment": "production", "users": "All tenants", "feature": "Document upload",
                   "started_at": "2026-05-04T09:00:00Z", "flags": ["broad_outage"]},
        "roles": {"commander": "Ada", "scribe": "Ken",
                  "engineering_lead": "Linus", "communications_owner": "Linus"},
        "update": {"impact": "Uploads fail for all users", "action": "Checking the 09:02 deploy",
                   "owner": "Ada", "next_update": "2026-05-04T09:35:00Z"},
    }
    command.update(changes)
    return command


def note(command_id: str = "32803c2f-c9a4-5f3e-ad4f-66079c55a576", **changes: Any) -> dict[str, Any]:
    command = {"type": "add_note", "incident_id": INCIDENT, "command_id": command_id,
               "at": "2026-05-04T09:12:00Z", "text": "Deploy 2026.05.04-1 at 09:02 matches the start."}
    command.update(changes)
    return command


ROLLBACK = {"type": "start_mitigation", "incident_id": INCIDENT,
            "command_id": "be735059-9cef-5f3d-a907-d25e71c18809", "at": "2026-05-04T09:20:00Z",
            "mitigation": {"kind": "rollback_image", "from_tag": "2026.05.04-1", "to_tag": "2026.05.04-1"}}


def lifecycle() -> list[str]:
    return (CASES / "happy-sev1-full-lifecycle.jsonl").read_text().splitlines()


def test_declare_from_a_dict_or_a_json_string() -> None:
    from_dict = ip.Incident.declare(declare())
    from_text = ip.Incident.declare(json.dumps(declare()), ip.Playbook())
    assert from_dict.snapshot() == from_text.snapshot()
    assert (from_dict.id, from_dict.version, from_dict.phase, from_dict.severity) == (
        INCIDENT, 1, "investigating", "SEV1")
    assert from_dict.title == "Document uploads failing"


def test_a_refusal_names_every_rule_with_its_path() -> None:
    incident = ip.Incident.declare(declare())
    with pytest.raises(ip.Rejected) as refused:
        incident.handle(ROLLBACK)
    assert refused.value.rules == ["update-required", "rollback-same-tag"]
    assert refused.value.rule == "update-required"
    assert [v.path for v in refused.value.violations] == ["update", "mitigation.to_tag"]
    assert str(refused.value).startswith("error[update-required] at update: ")
    assert incident.version == 1  # refused: nothing changed


def test_declare_refused_without_a_commander() -> None:
    roles = {"scribe": "Ken", "engineering_lead": "Linus", "communications_owner": "Linus"}
    with pytest.raises(ip.Rejected) as refused:
        ip.Incident.declare(declare(roles=roles))
    assert "commander-required" in refused.value.rules


def test_decide_changes_nothing_and_handle_applies_once() -> None:
    incident = ip.Incident.declare(declare())
    assert incident.decide(note()) == {"outcome": "applied", "version": 2}
    assert incident.version == 1
    assert incident.handle(note(expected_version=1)) == {"outcome": "applied", "version": 2}
    assert incident.handle(note(expected_version=1)) == {"outcome": "duplicate", "version": 2}
    with pytest.raises(ip.Rejected) as stale:
        incident.handle(note("0b5f3c9e-7c1d-4f1e-9a57-2d0c8e6f4a10", expected_version=1))
    assert stale.value.rules == ["version-conflict"]


def test_commands_are_read_as_strictly_as_in_rust() -> None:
    incident = ip.Incident.declare(declare())
    typo = note(txt="typo")
    for command in (typo, json.dumps(typo)):
        with pytest.raises(ip.Rejected) as refused:
            incident.decide(command)
        assert [(v.rule, v.path) for v in refused.value.violations] == [("malformed-input", "txt")]
        assert "did you mean `text`?" in refused.value.violations[0].message
    with pytest.raises(ip.Rejected, match="malformed-input"):
        incident.decide(note(expected_version=float("nan")))
    for wrong in ([note()], 7, b"{}", None):
        with pytest.raises(TypeError):
            incident.decide(wrong)  # type: ignore[arg-type]


def test_snapshot_round_trips_and_an_edited_one_is_refused() -> None:
    incident = ip.Incident.declare(declare())
    incident.handle(note())
    snapshot = incident.snapshot()
    assert snapshot["version"] == 2 and snapshot["incident_id"] == INCIDENT
    assert ip.Incident.load(snapshot).snapshot() == snapshot
    assert ip.Incident.load(json.dumps(snapshot)).version == 2
    snapshot["roles"]["scribe"] = "Ada"
    with pytest.raises(ip.Rejected) as refused:
        ip.Incident.load(snapshot)
    assert refused.value.rules == ["sev1-scribe-not-commander", "snapshot-history-mismatch"]
    with pytest.raises(ValueError, match="not a snapshot"):
        ip.Incident.load({"version": 1})


def test_blockers_and_the_next_update_due() -> None:
    incident = ip.Incident.declare(lifecycle()[0])
    assert "triage-checks-missing" in [v.rule for v in incident.blockers("resolve")]
    assert incident.blockers("add_note") == []
    with pytest.raises(ValueError, match="unknown command type"):
        incident.blockers("resolv")
    assert incident.next_update_due() == datetime(2026, 5, 4, 9, 35, tzinfo=timezone.utc)
    assert any(name.startswith("health.") for name in incident.resolve_evidence())
    for line in lifecycle()[1:]:
        incident.handle(line)
    assert incident.phase == "closed"
    assert incident.next_update_due() is None


def test_updates_render_in_the_playbooks_format() -> None:
    incident = ip.Incident.declare(declare())
    updates = incident.updates()
    assert len(updates) == 1 and updates[0].startswith("Status: investigating\nSeverity: SEV1\n")
    assert incident.updates("internal") == updates
    assert incident.updates("public") == []
    with pytest.raises(ValueError, match="unknown audience"):
        incident.updates("everyone")  # type: ignore[arg-type]


def test_report_as_of_a_time() -> None:
    incident = ip.Incident.declare(declare())
    report = incident.report("2026-05-04T10:00:00Z")
    assert report is not None and report["phase"] == "investigating"
    assert incident.report(datetime(2026, 5, 4, 10, tzinfo=timezone.utc)) == report
    assert incident.report("2026-05-04T09:00:00Z") is None  # not declared yet
    text = incident.report_text("2026-05-04T10:00:00Z")
    assert text is not None and text.startswith(f"Incident {INCIDENT}: Document uploads failing")
    with pytest.raises(ValueError):
        incident.report(datetime(2026, 5, 4, 10))  # no tzinfo: which 10:00?
    with pytest.raises(ValueError):
        incident.report("yesterday")


def test_postmortem_and_its_draft() -> None:
    incident = ip.Incident.declare(lifecycle()[0])
    assert incident.postmortem() is None
    assert incident.postmortem_draft().startswith("# Postmortem: Document uploads failing\n")
    for line in lifecycle()[1:]:
        incident.handle(line)
    written = incident.postmortem()
    assert written is not None and written.startswith("# Postmortem: ")


def test_schemas_are_the_committed_ones() -> None:
    committed = {p.name.removesuffix(".schema.json"): json.loads(p.read_text())
                 for p in (ROOT / "schemas").glob("*.schema.json")}
    assert ip.schemas() == committed
    assert ip.schema("command") == committed["command"]
    with pytest.raises(KeyError, match="no schema named"):
        ip.schema("commands")


def test_playbook_from_json() -> None:
    document = (CASES / "sender-not-permitted.playbook.json").read_text()
    playbook = ip.Playbook.from_json(document)
    assert ip.Playbook.from_json(playbook.to_dict()).to_dict() == playbook.to_dict()
    assert repr(ip.Playbook()) == "Playbook()"
    with pytest.raises(ValueError, match="not a playbook document"):
        ip.Playbook.from_json('{"dependencies": [["Stripe", false]]}')
    stream = (CASES / "sender-not-permitted.jsonl").read_text()
    assert ip.replay(stream, playbook)["rejections"] != ip.replay(stream)["rejections"]


def test_violations_are_values() -> None:
    v = ip.Violation("notes-required", "add notes", "notes")
    assert v == ip.Violation("notes-required", "add notes", "notes")
    assert len({v, ip.Violation("notes-required", "add notes", "notes")}) == 1
    assert v.to_dict() == {"rule": "notes-required", "message": "add notes", "path": "notes"}
    assert ip.Violation("x", "y").to_dict() == {"rule": "x", "message": "y"}
    assert str(v) == "error[notes-required] at notes: add notes"
    assert repr(ip.Violation("x", "y")) == 'Violation(rule="x", message="y", path=None)'
    assert isinstance(ip.Rejected([v]), Exception) and ip.Rejected([v]).violations == [v]


def test_replay_line_by_line() -> None:
    replay = ip.Replay()
    assert replay.line("") is None
    report = replay.line('{"type": "close"}')
    assert report is not None and (report["line"], report["rule"]) == (2, "malformed-input")
    assert replay.verdict == "malformed" and replay.lines == 2
    assert replay.output() == {"rejections": [report], "incidents": []}


def test_replay_reads_lines_as_the_cli_reads_a_file(tmp_path: Path) -> None:
    lines = lifecycle()
    text = "\ufeff" + "\r\n".join(lines) + "\r\n"
    document = ip.replay(text)
    assert document["rejections"] == [] and document["incidents"][0]["phase"] == "closed"
    path = tmp_path / "stream.jsonl"
    path.write_bytes(text.encode())
    with open(path, encoding="utf-8", newline="") as f:
        assert ip.replay(f) == document
    assert ip.replay(lines) == document
    replay = ip.Replay()
    replay.feed(lines)
    assert replay.incidents() == document["incidents"] and replay.verdict == "accepted"
