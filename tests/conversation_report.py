"""pytest plugin for the blind conversation suite (tests/conversations, `-p tests.conversation_report`).

The suite is never edited to make a figure better, so what the assistant cannot do yet is listed by
test id in tests/conversations/known_failures.txt, each with why: those are run as xfails, and one
that passes is counted and named at the end (take it off the list). Any other failure fails the
run. At the end it prints how many conversations reached their final state and how many replies
were a fallback, and writes both to var/test-results/conversations.json.
"""
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KNOWN = ROOT / "tests" / "conversations" / "known_failures.txt"
# The assistant's fallback replies (domain.yml, actions/fallback.py, the channel's error reply).
FALLBACK_MARKS = ("Sorry, I'm not sure I understood", "Sorry, I didn't get that", "I didn't catch that",
                  "something went wrong")


def known_failures() -> dict:
    if not KNOWN.exists():
        return {}
    rows = [line.split("#", 1) for line in KNOWN.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {row[0].strip(): (row[1].strip() if len(row) > 1 else "not yet") for row in rows}


def pytest_collection_modifyitems(config, items):
    known = known_failures()
    for item in items:
        if item.nodeid in known:
            # not strict: the NLU is retrained often and a listed one may pass on some runs
            item.add_marker(pytest.mark.xfail(reason=known[item.nodeid], strict=False))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # the suite's conftest, under whatever module name pytest imported it
    suite = [m for m in list(sys.modules.values())
             if str(getattr(m, "__file__", "")).endswith("conversations/conftest.py") and hasattr(m, "TRANSCRIPTS")]
    TRANSCRIPTS = suite[0].TRANSCRIPTS if suite else []
    stats = terminalreporter.stats
    passed = len(stats.get("passed", [])) + len(stats.get("xpassed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("xfailed", [])) + len(stats.get("error", []))
    for report in stats.get("xpassed", []):
        terminalreporter.write_line(f"passes now, take it off known_failures.txt: {report.nodeid}")
    replies = [reply for _, turns in TRANSCRIPTS for _, reply in turns]
    fallbacks = sum(any(mark in reply for mark in FALLBACK_MARKS) for reply in replies)
    conversations = len({test for test, _ in TRANSCRIPTS})
    report = {"conversations_passed": passed, "conversations_not_passed": failed, "replies": len(replies),
              "fallback_replies": fallbacks, "conversations_with_transcripts": conversations}
    terminalreporter.write_line(f"conversations: {passed} reached the right final state, {failed} did not; "
                                f"{fallbacks} fallback replies of {len(replies)} in {conversations} conversations")
    out = ROOT / "var" / "test-results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "conversations.json").write_text(json.dumps(report, indent=2))
