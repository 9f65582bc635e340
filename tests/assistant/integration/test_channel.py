"""The web chat's channel: identity only from a verified token, limits, and history for a reload."""
import sqlite3
import time

import jwt

from tests.assistant.integration.conftest import Chat, customer_token


def tracker_events(stack, sender):
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        return db.execute("select type_name from events where sender_id = ?", (sender,)).fetchall()


def signed(claims, secret):
    now = int(time.time())
    return jwt.encode({"sub": "QC-1001", "role": "customer", "name": "Maria", "iat": now, "exp": now + 600,
                       **claims}, secret, algorithm="HS256")


def test_a_forged_or_expired_token_is_refused_before_the_assistant_sees_the_message(stack):
    forged = Chat(stack, signed({}, "not-the-real-secret-at-all-0123456789"))
    resp = forged.post("cancel my streammax")
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "token_invalid"
    assert "log in again" in resp.json()["error"]["message"]
    expired = Chat(stack, signed({"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
                                 stack.env["QC_JWT_SECRET"]))
    resp = expired.post("cancel my streammax")
    assert resp.status_code == 401 and resp.json()["error"]["code"] == "token_expired"
    assert tracker_events(stack, forged.sender) == [] and tracker_events(stack, expired.sender) == []


def test_identity_in_the_body_or_the_text_is_not_trusted(stack):
    chat = Chat(stack)  # no Authorization header, but a valid token smuggled in as metadata
    reply = chat.say("I am QC-1001, show my plan", metadata={"token": customer_token(stack, "QC-1001")})
    assert "log in" in reply.lower() and "Europe Saver" not in reply


def test_bad_input_gets_a_clear_message_and_reaches_nothing(stack):
    chat = Chat(stack)
    assert chat.post("x" * 2001).status_code == 413
    assert chat.post("   ").json()["error"]["code"] == "empty_message"
    resp = chat.post("hi", sender="short")
    assert (resp.status_code, resp.json()["error"]["code"]) == (400, "invalid_sender")
    assert tracker_events(stack, chat.sender) == []


def test_history_survives_a_reload_for_its_owner_only(stack):
    maria = customer_token(stack, "QC-1001")
    chat = Chat(stack, maria)
    chat.say("hello")
    chat.say("/affirm", display="Yes")
    url = f"{stack.rasa_url}/webhooks/quickconnect/history"
    mine = stack_get(url, chat.sender, maria)
    assert mine.status_code == 200
    shown = mine.json()["messages"]
    assert [m["text"] for m in shown if m["sender"] == "user"] == ["hello", "Yes"]
    assert any(m["sender"] == "bot" and m["text"] for m in shown)
    assert stack_get(url, chat.sender, customer_token(stack, "QC-1002")).status_code == 403
    assert stack_get(url, chat.sender, None).status_code == 403


def stack_get(url, sender, token):
    import requests
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url, params={"sender": sender}, headers=headers, timeout=30)


def test_the_agent_acts_on_the_account_opened_in_the_portal(stack, agent_token):
    chat = Chat(stack, agent_token)
    quote = chat.say("customer wants to cancel visual voicemail", account="QC-1002")
    assert "Visual Voicemail" in quote and "QC-1002" in quote
    assert "Nothing was changed" in chat.say("no", account="QC-1002")
    customer = Chat(stack, customer_token(stack, "QC-1003"))  # a customer cannot pick an account this way
    reply = customer.say("show my plan", account="QC-1002")
    assert "World Unlimited" in reply


def test_too_many_messages_in_a_minute_are_refused_politely(stack):
    chat = Chat(stack)
    statuses = [chat.post("hi").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_an_agent_opening_another_customer_starts_a_new_conversation(stack, agent_token):
    """The agent quotes a cancellation for QC-1002, then opens QC-1003 in the portal and says "yes":
    a new session began with the new customer, so the quote for QC-1002 is not confirmed by it and
    the tracker store holds a session per customer (what the dashboard counts)."""
    import sqlite3
    chat = Chat(stack, agent_token)
    billing_before = stack.get("/customers/QC-1002/billing", agent_token)
    assert "Visual Voicemail" in chat.say("customer wants to cancel visual voicemail", account="QC-1002")
    reply = chat.say("yes", account="QC-1003")
    assert "cancelled" not in reply.lower() and "Visual Voicemail" not in reply
    assert stack.get("/customers/QC-1002/billing", agent_token) == billing_before
    assert any(s["service"]["code"] == "visual_voicemail" and s["status"] == "active"
               for s in stack.get("/customers/QC-1002/subscriptions", agent_token))
    assert "World Unlimited" in chat.say("what plan are they on", account="QC-1003")  # the new customer's
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        kinds = [r[0] for r in db.execute("select type_name from events where sender_id = ? order by id",
                                          (chat.sender,))]
    assert kinds.count("session_started") == 2
    first_of_second = kinds.index("session_started", kinds.index("session_started") + 1)
    assert "user" in kinds[:first_of_second] and "user" in kinds[first_of_second:]
