"""What the reliability tests tried, counted while they run and printed at the end of the run
(the source of the counts in docs/reliability-services.md)."""
from collections import Counter

TRIED: Counter = Counter()
