"""Shared fixtures for the services' tests: the catalog and demo files, a fixed clock."""
from datetime import datetime

import pytest
import yaml

from quickconnect import config
from quickconnect.adapters import passwords
from quickconnect.clock import FixedClock

# Every amount in these tests is computed for this instant (a 30-day November cycle for QC-1001).
NOW = datetime(2026, 11, 21, 12, 0, 0)


@pytest.fixture(scope="session")
def catalog_yml() -> dict:
    return yaml.safe_load((config.SEED_DIR / "catalog.yml").read_text())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # The demo PINs are hashed at seed time; full-strength PBKDF2 only slows the tests down.
    passwords.ITERATIONS = 1_000


def pytest_terminal_summary(terminalreporter):
    from .tally import TRIED
    if TRIED:
        terminalreporter.write_sep("-", "reliability: what was tried")
        for what, count in sorted(TRIED.items()):
            terminalreporter.write_line(f"{count:6d}  {what}")
