"""No secret at rest: after every conversation of this stack (authorization matrix, fuzz, faults and
restarts above, and here a customer and an agent who type a PIN, a password and card numbers
across forms, confirmations and a reload), no identity token, typed PIN, password or card number
is in any table of the tracker store or of the services' database, or in any log; while the
actions did get each message's token (they read and changed the accounts), the owner's history
still opens after a reload, and the support dashboard and its CSV show the messages masked."""
import sqlite3

import requests

from tests.assistant.integration.conftest import Chat, customer_token
from tests.reliability.secrets_scan import NEVER_NEEDED, findings, patterns
from tests.reliability.tally import tally

PIN, PASSWORD = "8264", "Blue-Heron-77"
CARDS = ["4539 1488 0343 6467", "5425-2334-3010-9903"]          # Luhn-valid test numbers
AGENT_PIN = "5173"
TOKENS_SEEN = []


def forbidden() -> dict:
    return patterns([PIN, AGENT_PIN], [PASSWORD], CARDS, TOKENS_SEEN)


def every_value(db_path) -> list:
    """(table, value) for every text value of every table of a SQLite database."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        tables = [t for (t,) in db.execute("select name from sqlite_master where type = 'table'")]
        return [(table, str(value)) for table in tables for row in db.execute(f'select * from "{table}"')
                for value in row if value is not None]


def test_secrets_typed_as_a_customer_and_an_agent_are_masked_and_tokens_reach_only_the_actions(stack, agent_token):
    james = customer_token(stack, "QC-1002")
    TOKENS_SEEN.extend([james, agent_token])
    chat = Chat(stack, james)

    reply = chat.say(f"my pin is {PIN}")
    assert reply.startswith("I've hidden what looked like a PIN") and NEVER_NEEDED in reply
    assert "Which service would you like to cancel" in chat.say("i need to cancel one of my add ons")
    mid_form = chat.say(f"my card is {CARDS[0]}")                  # a secret in the middle of a form
    assert NEVER_NEEDED in mid_form
    assert "Nothing was changed" in chat.say("stop")
    assert NEVER_NEEDED in chat.say(f"password: {PASSWORD}")
    services = chat.say("what services do i have")                 # the action got this message's token
    assert "Device Protection" in services and "log in" not in services.lower()

    # A reload: the owner's history opens (no token is stored to tell whose it is), masked.
    url = f"{stack.rasa_url}/webhooks/quickconnect/history"
    mine = requests.get(url, params={"sender": chat.sender}, headers={"Authorization": f"Bearer {james}"}, timeout=30)
    assert mine.status_code == 200
    typed = [m["text"] for m in mine.json()["messages"] if m["sender"] == "user"]
    assert typed[0] == "my pin is ****" and typed[2] == "my card is [card number removed]"
    assert typed[4] == "password: ****"
    other = customer_token(stack, "QC-1001")
    TOKENS_SEEN.append(other)
    assert requests.get(url, params={"sender": chat.sender}, headers={"Authorization": f"Bearer {other}"},
                        timeout=30).status_code == 403

    # An agent, on the account opened in the portal, across a quote and its confirmation.
    agent = Chat(stack, agent_token)
    assert NEVER_NEEDED in agent.say(f"the customer says their pin is {AGENT_PIN}, card {CARDS[1]}", account="QC-1002")
    quote = agent.say("customer wants to cancel device protection", account="QC-1002")
    assert "Device Protection" in quote and "QC-1002" in quote
    assert "Nothing was changed" in agent.say("no", account="QC-1002")
    tally("conversations typing a PIN, password or card number (customer, agent), then every table and log scanned", 2)

    # The support dashboard and its CSV show what was typed, masked.
    supervisor = stack.token(agent_id="sup-sam", password="sam-demo-pass")
    TOKENS_SEEN.append(supervisor)
    headers = {"Authorization": f"Bearer {supervisor}"}
    summary = requests.get(f"{stack.services_url}/dashboard/summary", headers=headers, timeout=30)
    csv = requests.get(f"{stack.services_url}/dashboard/export.csv", params={"kind": "review"}, headers=headers,
                       timeout=30)
    assert summary.status_code == 200 and csv.status_code == 200
    shown = summary.text + csv.text
    assert not findings({"dashboard": [shown]}, forbidden())


def test_no_token_typed_pin_password_or_card_number_in_any_table_or_log(stack):
    places = {}
    for label, path in (("tracker store", stack.workdir / "tracker.db"), ("services database", stack.workdir / "services.db")):
        for table, value in every_value(path):
            places.setdefault(f"{label}: {table}", []).append(value)
    for log in stack.workdir.glob("*.log"):
        places[f"log: {log.name}"] = log.read_text(errors="replace").splitlines()
    assert len(places["tracker store: events"]) > 100 and any(k.startswith("services database") for k in places)
    # The scan is not vacuous: the masked forms of what was typed are there.
    assert any("my pin is ****" in v for v in places["tracker store: events"])
    found = findings(places, forbidden())
    assert not found, found
    tally("values and log lines scanned for tokens, typed PINs, passwords and card numbers (tracker store, services database, logs)",
          sum(len(v) for v in places.values()))
