"""The incident-playbook crate's rules from Python.

The same judge as the ``incident`` CLI and the Rust API: commands are dicts
or JSON strings, read by the crate's own reader; a command that breaks a
rule raises :class:`Rejected`, whose ``violations`` name every rule broken
(``rule``, ``message``, ``path``). The types are in ``_native.pyi``.
"""

from typing import TYPE_CHECKING

from ._native import (
    Incident,
    Playbook,
    Rejected,
    Replay,
    Violation,
    __version__,
    replay,
    schema,
    schemas,
)

if TYPE_CHECKING:  # shapes of the dicts returned, for type checkers only
    from ._native import LineReport, Outcome, ReplayDocument

__all__ = [
    "Incident",
    "LineReport",
    "Outcome",
    "Playbook",
    "Rejected",
    "Replay",
    "ReplayDocument",
    "Violation",
    "__version__",
    "replay",
    "schema",
    "schemas",
]
