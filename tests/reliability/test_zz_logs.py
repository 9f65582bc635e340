"""Run last: after every conversation, fault and fuzz case above, the logs of the Rasa server and
the action server (at --debug, their most talkative) and of the services hold no identity token,
no PIN or password, and no full account number."""
import re

from tests.reliability.tally import tally

SECRETS = {
    "identity token": re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
    "full account number": re.compile(r"QC-\d{4}"),
    "demo PIN or password": re.compile(r"\b(?:1234|2345|3456)\b(?!\.)|(?:ana|ben)-demo-pass"),
}


def test_no_secret_or_account_number_in_any_log(stack):
    logs = {p.name: p.read_text(errors="replace") for p in stack.workdir.glob("*.log")}
    assert {"rasa.log", "actions.log", "services.log"} <= set(logs)
    assert len(logs["rasa.log"].splitlines()) > 200          # debug logging was really on
    found = {(name, what): [line[:300] for line in text.splitlines() if pattern.search(line)][:3]
             for name, text in logs.items() for what, pattern in SECRETS.items() if pattern.search(text)}
    assert not found, found
    tally("log lines checked for tokens, PINs and account numbers", sum(len(t.splitlines()) for t in logs.values()))
