"""The handler tests' shared world: a fixed clock and a fake unit of work seeded with the demo data."""
from datetime import datetime

import pytest

from quickconnect import config
from quickconnect.clock import FixedClock
from quickconnect.service_layer.seed import seed

from .fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.fixture
def clock():
    return FixedClock(NOW)


@pytest.fixture
def uow(clock):
    uow = FakeUnitOfWork()
    seed(uow, config.SEED_DIR, clock, say=lambda _line: None)
    return uow
