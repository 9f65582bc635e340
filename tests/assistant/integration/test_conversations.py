"""Whole conversations through Rasa's REST channel against the real services; every test ends by
reading the services' state. The services' date is pinned to 2026-11-21 (see conftest)."""
from decimal import Decimal

from tests.assistant.integration.conftest import Chat, customer_token


def amounts(entries, kind):
    return [Decimal(e["amount"]) for e in entries if e["kind"] == kind]


def active_services(stack, token, account):
    return {s["service"]["name"]: s for s in stack.get(f"/customers/{account}/subscriptions", token)
            if s["status"] != "cancelled"}


def test_customer_cancels_a_service_once_with_the_documented_refund_and_fee(stack, agent_token):
    token = customer_token(stack, "QC-1001")
    chat = Chat(stack, token)
    billing_before = stack.get("/customers/QC-1001/billing", token)

    quote = chat.say("i want to cancel streammax")
    # Premium $19.99, cycle 1-30 Nov, 10 days left from the 21st: 19.99 x 10 / 30 = 6.66 back;
    # started 120 days ago, inside the 12-month minimum term: $25.00 fee; net 25.00 - 6.66 = 18.34.
    assert "$6.66" in quote and "$25.00" in quote and "$18.34 charge" in quote
    assert active_services(stack, token, "QC-1001")["StreamMax TV"]["status"] == "active"  # nothing before "yes"

    done = chat.say("yes")
    assert "StreamMax TV is cancelled" in done
    chat.say("yes")  # a double-click on the confirm button changes nothing more

    assert "StreamMax TV" not in active_services(stack, token, "QC-1001")
    billing = stack.get("/customers/QC-1001/billing", token)
    seen = {e["id"] for e in billing_before}
    new = [e for e in billing if e["id"] not in seen]
    assert [abs(a) for a in amounts(new, "refund")] == [Decimal("6.66")]
    assert amounts(new, "cancellation_fee") == [Decimal("25.00")]
    audit = [a for a in stack.get("/audit?account=QC-1001", agent_token) if "cancel" in a["action"]]
    assert len(audit) == 1 and audit[0]["actor"] == "QC-1001" and audit[0]["role"] == "customer"
    assert audit[0]["channel"] == "chat"


def test_no_at_the_confirmation_changes_nothing(stack):
    token = customer_token(stack, "QC-1003")
    chat = Chat(stack, token)
    billing_before = stack.get("/customers/QC-1003/billing", token)
    assert "Shall I go ahead" in chat.say("please cancel my hotspot boost")
    assert "Nothing was changed" in chat.say("no")
    assert active_services(stack, token, "QC-1003")["Hotspot Boost"]["status"] == "active"
    assert stack.get("/customers/QC-1003/billing", token) == billing_before


def test_plan_change_mid_cycle_with_pro_rated_charge_then_a_follow_up(stack):
    token = customer_token(stack, "QC-1001")
    chat = Chat(stack, token)
    chat.say("i want to switch my international plan to world unlimited")
    # Europe Saver $15 -> World Unlimited $45, 10 of 30 days left: credit 5.00, charge 15.00, net 10.00.
    quote = chat.say("now")
    assert "$5.00" in quote and "$15.00" in quote and "$10.00 charge" in quote
    done = chat.say("yes")
    assert "moves to World Unlimited on Sat 21 Nov 2026" in done and "follow-up" in done
    plan = stack.get("/customers/QC-1001/plan", token)
    assert plan["plan"]["name"] == "World Unlimited"
    assert Decimal("10.00") == sum(Decimal(e["amount"]) for e in plan["billing_history"]
                                   if e["kind"] in ("prorated_charge", "prorated_credit") and e["date"] == "2026-11-21")

    chat.say("yes")                       # accept the follow-up offer
    chat.say("tomorrow at 10am")
    chat.say("a call please")
    booked = chat.say("yes")
    assert "Booked: a follow-up call for QC-1001" in booked
    follow_ups = stack.get("/customers/QC-1001/follow-ups", token)
    assert len(follow_ups) == 1 and follow_ups[0]["channel"] == "call"


def test_agent_adds_a_service_on_a_named_account_and_is_the_recorded_actor(stack, agent_token):
    chat = Chat(stack, agent_token)
    reply = chat.say("customer QC-1002 wants to add cloud backup")
    assert "Which tier of Cloud Backup" in reply
    quote = chat.say("200 GB")
    assert "QC-1002" in quote and "Shall I go ahead" in quote
    assert "Cloud Backup" in chat.say("yes")
    sub = active_services(stack, agent_token, "QC-1002")["Cloud Backup"]
    assert (sub["status"], sub["tier"]["name"]) == ("pending_activation", "200 GB")
    audit = [a for a in stack.get("/audit?account=QC-1002", agent_token) if a["action"].startswith("add")]
    assert audit[-1]["actor"] == "agent-ana" and audit[-1]["role"] == "agent" and audit[-1]["channel"] == "agent_widget"


def test_customer_cannot_act_on_another_account_by_typing_it(stack):
    token = customer_token(stack, "QC-1002")
    chat = Chat(stack, token)
    reply = chat.say("cancel visual voicemail on account QC-1003")
    assert "QC-1002" in reply and "QC-1003" not in reply.replace("on account QC-1003", "")
    chat.say("no")


def test_anonymous_gets_faqs_but_must_log_in_for_changes(stack):
    chat = Chat(stack)
    assert "log in" in chat.say("cancel my streammax")
    assert "1-800-123-4567" in chat.say("whats the phone number for support")


def test_faq_in_the_middle_of_a_form_is_answered_and_the_form_resumes(stack):
    token = customer_token(stack, "QC-1002")
    chat = Chat(stack, token)
    billing_before = stack.get("/customers/QC-1002/billing", token)
    assert "Which service would you like to cancel" in chat.say("i need to cancel one of my add ons")
    digression = chat.say("how long does it take for a new service to get activated")
    assert "24 hours" in digression and "Which service would you like to cancel" in digression
    assert "Nothing was changed" in chat.say("stop")
    assert stack.get("/customers/QC-1002/billing", token) == billing_before


def test_conversations_are_kept_in_the_configured_sql_tracker_store(stack):
    # A misconfigured tracker store silently falls back to memory: read the SQL store itself.
    import sqlite3
    chat = Chat(stack)
    chat.say("hello")
    with sqlite3.connect(stack.workdir / "tracker.db") as db:
        rows = db.execute("select type_name from events where sender_id = ?", (chat.sender,)).fetchall()
    assert ("user",) in rows and ("bot",) in rows
