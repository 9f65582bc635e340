"""Faults between the assistant and the services, and restarts: the user always gets a clear
answer, nothing is changed twice or half, and the system recovers without a restart once the fault
clears. Each test ends by reading the services' records."""
import pytest

from tests.assistant.integration.conftest import Chat, customer_token
from tests.reliability.tally import tally

NOTHING_CHANGED = "haven't changed anything"
MAYBE = "may or may not have gone through"


def live(stack, token, account):
    return {s["service"]["name"]: s for s in stack.get(f"/customers/{account}/subscriptions", token)
            if s["status"] != "cancelled"}


def ask_to_add(chat, service, tier):
    chat.say(f"add {service}")
    quote = chat.say(tier)                     # both services have tiers: the form asks which
    assert "Shall I go ahead" in quote, quote


def audit(stack, agent_token, account, action):
    return [a for a in stack.get(f"/audit?account={account}", agent_token) if a["action"] == action]


@pytest.mark.parametrize("fault, told", [("down", NOTHING_CHANGED), ("unavailable503", NOTHING_CHANGED),
                                         ("error500", MAYBE)])   # a 500 could hide a write: not claimed either way
def test_services_failing_before_the_write_change_nothing_and_the_retry_works(stack, agent_token, fault, told):
    account, token = "QC-1002", customer_token(stack, "QC-1002")
    adds_before = len(audit(stack, agent_token, account, "add_service"))
    chat = Chat(stack, token)
    ask_to_add(chat, "family locator", "up to 3 members")
    stack.proxy.set(fault)
    reply = chat.say("yes")
    assert told in reply and "human" in reply
    stack.proxy.set("pass")
    assert "Family Locator" not in live(stack, agent_token, account)
    assert len(audit(stack, agent_token, account, "add_service")) == adds_before
    # the fault has cleared: the same conversation goes on, no restart of anything
    ask_to_add(chat, "family locator", "up to 3 members")
    assert "Family Locator" in chat.say("yes")
    assert live(stack, agent_token, account)["Family Locator"]["status"] == "pending_activation"
    assert len(audit(stack, agent_token, account, "add_service")) == adds_before + 1
    chat.say("cancel family locator")           # leave the account as it was for the next case
    chat.say("yes")
    tally("services fault before a write (%s): nothing changed, recovered" % fault)


@pytest.mark.parametrize("fault", ["slow", "garbled"])
def test_a_write_whose_answer_is_lost_is_never_applied_twice(stack, agent_token, fault):
    account, token = "QC-1001", customer_token(stack, "QC-1001")
    adds_before = len(audit(stack, agent_token, account, "add_service"))
    chat = Chat(stack, token)
    ask_to_add(chat, "caller id plus", "basic")
    stack.proxy.set(fault)
    reply = chat.say("yes")                    # it reaches the services; the answer does not come back
    assert MAYBE in reply
    stack.proxy.set("pass")
    chat.say("yes")                            # the user insists: the same change is not made again
    added = audit(stack, agent_token, account, "add_service")
    assert len(added) == adds_before + 1
    assert live(stack, agent_token, account)["Caller ID Plus"]["status"] == "pending_activation"
    cancel = Chat(stack, token)
    cancel.say("cancel caller id plus")
    cancel.say("yes")
    tally("answer lost after a write (%s): applied exactly once" % fault)


def test_action_server_down_gets_a_clear_answer_and_the_conversation_recovers(stack, agent_token):
    token = customer_token(stack, "QC-1003")
    chat = Chat(stack, token)
    chat.say("hi")
    stack.stop("actions")
    try:
        reply = chat.say("cancel hotspot boost")
        assert "something went wrong on my side" in reply and "Nothing was changed" in reply
    finally:
        stack.start_again("actions")
    assert "Hotspot Boost" in live(stack, agent_token, "QC-1003")
    assert "Shall I go ahead" in chat.say("cancel hotspot boost")
    assert "Nothing was changed" in chat.say("no")
    tally("action server down: clear answer, recovered after restart")


def test_rasa_and_the_action_server_restarted_mid_form_resume_where_they_were(stack, agent_token):
    token = customer_token(stack, "QC-1002")
    cancels_before = len(audit(stack, agent_token, "QC-1002", "cancel_service"))
    chat = Chat(stack, token)
    quote = chat.say("cancel visual voicemail")
    assert "Shall I go ahead" in quote
    stack.stop("rasa")
    stack.stop("actions")
    stack.start_again("actions")
    stack.start_again("rasa")
    assert "Visual Voicemail is cancelled" in chat.say("yes")   # the form and its quote came back from SQL
    assert "Visual Voicemail" not in live(stack, agent_token, "QC-1002")
    assert len(audit(stack, agent_token, "QC-1002", "cancel_service")) == cancels_before + 1
    tally("Rasa + action server restarted mid-form: resumed, change applied once")
