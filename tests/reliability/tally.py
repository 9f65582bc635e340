"""What the reliability tests tried and what held, counted while they run; printed at the end
of the run and written to var/test-results/reliability-assistant.json (the README's table)."""
from collections import Counter

TRIED: Counter = Counter()


def tally(what: str, times: int = 1) -> None:
    TRIED[what] += times
