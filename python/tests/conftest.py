"""Shared paths for the package's tests: the repository, its conformance cases and check.py's
reading of them, and the `incident` binary the CLI comparisons run."""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "conformance" / "cases"


def load_check() -> ModuleType:
    """tests/conformance/check.py as a module: how a case is read and judged."""
    spec = importlib.util.spec_from_file_location("check", ROOT / "tests" / "conformance" / "check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def incident_binary() -> str:
    """The `incident` binary: $INCIDENT_BIN, else ${CARGO_TARGET_DIR:-target}/debug/incident."""
    target = os.environ.get("CARGO_TARGET_DIR") or "target"
    default = ROOT / target / "debug" / "incident"
    binary = os.environ.get("INCIDENT_BIN") or str(default)
    if not os.access(binary, os.X_OK):
        pytest.fail(f"no incident binary at {binary}: `cargo build --features cli` or set INCIDENT_BIN")
    return binary
