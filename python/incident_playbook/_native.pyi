"""Types of the native module ``incident_playbook._native`` (built from
``python/src`` with PyO3); the package ``incident_playbook`` re-exports it."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal, TypedDict, final

from typing_extensions import NotRequired

__all__ = [
    "Incident",
    "Playbook",
    "Rejected",
    "Replay",
    "Violation",
    "__version__",
    "replay",
    "schema",
    "schemas",
]
__version__: str

Command = dict[str, Any] | str
"""A command: one flat JSON object, as a dict or a JSON string."""

Time = str | datetime
"""An RFC 3339 string, or a timezone-aware datetime."""

class Outcome(TypedDict):
    """What an accepted command did."""

    outcome: Literal["applied", "duplicate"]
    version: int

class ViolationDict(TypedDict):
    rule: str
    message: str
    path: NotRequired[str]

class LineReport(TypedDict):
    """One refused line of a replay, as ``incident replay`` reports it."""

    line: int
    incident_id: NotRequired[str]
    command_id: NotRequired[str]
    rule: str
    violations: list[ViolationDict]

class ReplayDocument(TypedDict):
    """What ``incident replay --format json`` prints."""

    rejections: list[LineReport]
    incidents: list[dict[str, Any]]

@final
class Violation:
    """One broken rule: its id, what is wrong, and where."""

    rule: str
    message: str
    path: str | None
    def __new__(cls, rule: str, message: str, path: str | None = None) -> Violation: ...
    def to_dict(self) -> ViolationDict: ...
    def __hash__(self) -> int: ...

@final
class Rejected(Exception):
    """A command or snapshot that breaks rules: every one, in the rule
    catalogue's order."""

    def __new__(cls, violations: list[Violation]) -> Rejected: ...
    @property
    def violations(self) -> list[Violation]: ...
    @property
    def rule(self) -> str | None:
        """The first broken rule's id."""
    @property
    def rules(self) -> list[str]:
        """The distinct rule ids broken, in order."""

@final
class Playbook:
    """The playbook commands are judged under; ``Playbook()`` is the seed one."""

    def __new__(cls) -> Playbook: ...
    @staticmethod
    def from_json(document: dict[str, Any] | str) -> Playbook:
        """A playbook document; raises ValueError for one that is not."""
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def id(self) -> str | None: ...

@final
class Incident:
    """One incident under its playbook."""

    @staticmethod
    def declare(command: Command, playbook: Playbook | None = None) -> Incident:
        """Opens an incident with a ``declare`` command; raises Rejected."""
    @staticmethod
    def load(snapshot: dict[str, Any] | str, playbook: Playbook | None = None) -> Incident:
        """An incident from a stored snapshot, its history replayed; raises
        Rejected for an edited one, ValueError for what is not a snapshot."""
    def decide(self, command: Command) -> Outcome:
        """What the command would do, changing nothing; raises Rejected."""
    def handle(self, command: Command) -> Outcome:
        """Applies the command; raises Rejected (nothing changed)."""
    def snapshot(self) -> dict[str, Any]: ...
    def blockers(self, kind: str) -> list[Violation]:
        """The rules a ``kind`` command sent now would break whatever it
        carried; raises ValueError for an unknown command type."""
    def resolve_evidence(self) -> list[str]: ...
    def next_update_due(self) -> datetime | None:
        """When the last update promised the next one (UTC); None once
        resolved or closed."""
    def updates(self, audience: Literal["internal", "public"] | None = None) -> list[str]:
        """The comms updates in the playbook's six-line format."""
    def report(self, now: Time) -> dict[str, Any] | None:
        """How the response went as of ``now`` (``incident report``'s JSON
        entry); None if declared after ``now``."""
    def report_text(self, now: Time) -> str | None: ...
    def postmortem(self) -> str | None:
        """The submitted postmortem as Markdown."""
    def postmortem_draft(self) -> str:
        """A first draft of the postmortem from the history, as Markdown."""
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def phase(self) -> Literal["investigating", "mitigating", "monitoring", "resolved", "closed"]: ...
    @property
    def severity(self) -> Literal["SEV1", "SEV2", "SEV3", "SEV4"]: ...
    @property
    def title(self) -> str: ...
    @property
    def playbook(self) -> Playbook: ...

@final
class Replay:
    """A replay in progress, as ``incident replay`` reads a stream."""

    def __new__(cls, playbook: Playbook | None = None) -> Replay: ...
    def line(self, line: str) -> LineReport | None: ...
    def feed(self, lines: str | Iterable[str]) -> None: ...
    def output(self) -> ReplayDocument: ...
    def incidents(self) -> list[dict[str, Any]]: ...
    @property
    def verdict(self) -> Literal["accepted", "broken", "malformed"]: ...
    @property
    def lines(self) -> int: ...

def replay(lines: str | Iterable[str], playbook: Playbook | None = None) -> ReplayDocument:
    """The document ``incident replay --keep-going --format json`` prints."""

def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name``; raises KeyError for an unknown name."""

def schemas() -> dict[str, dict[str, Any]]: ...
