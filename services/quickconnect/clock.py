"""The services' notion of now: the real UTC time, or QC_TODAY's date with the real time of day."""
from __future__ import annotations

from datetime import date, datetime, timezone


class Clock:
    def __init__(self, pinned_today: date | None = None):
        self.pinned_today = pinned_today

    def now(self) -> datetime:
        """Naive UTC datetime (the database stores naive UTC on both SQLite and PostgreSQL)."""
        real = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
        if self.pinned_today is None:
            return real
        return datetime.combine(self.pinned_today, real.time())

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that does not move (tests)."""

    def __init__(self, at: datetime):
        super().__init__()
        self.at = at

    def now(self) -> datetime:
        return self.at
