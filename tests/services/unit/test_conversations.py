"""How the dashboard cuts tracked events into conversations and labels them."""
from datetime import datetime, timedelta

from quickconnect.domain.conversations import TrackedEvent, conversations, pseudonym

T0 = datetime(2026, 11, 20, 23, 50)


def user(sender, minutes, intent, role="anonymous", faq=None):
    return TrackedEvent(sender, T0 + timedelta(minutes=minutes), "user", role=role, intent=intent, faq_topic=faq)


def mark(sender, minutes, kind):
    return TrackedEvent(sender, T0 + timedelta(minutes=minutes), kind)


def test_each_session_with_a_user_message_is_one_conversation_dated_by_its_first_message():
    events = [mark("a", 0, "session"), user("a", 1, "greet"), user("a", 15, "faq", faq="billing_cycle"),
              mark("a", 90, "session"),                         # a session with nothing said: not counted
              mark("a", 200, "session"), user("a", 201, "thank"),
              user("b", 5, "greet")]                            # no session marker: still a conversation
    found = conversations(events)
    assert [(c.day.isoformat(), len(c.messages)) for c in found] == [
        ("2026-11-20", 2), ("2026-11-20", 1), ("2026-11-21", 1)]
    assert found[0].faq_topics == ["billing_cycle"]


def test_an_agents_token_makes_it_an_agent_widget_conversation():
    found = conversations([user("a", 0, "greet", "customer"), user("b", 0, "greet", "agent"), user("c", 0, "greet")])
    assert [c.channel for c in found] == ["chat", "agent_widget", "chat"]


def test_a_handoff_is_explained_by_the_message_that_led_to_it():
    found = conversations([user("a", 0, "nlu_fallback"), user("a", 1, "human_handoff"), mark("a", 2, "handoff"),
                           user("b", 0, "out_of_scope")])
    assert [(c.handed_off, c.handoff_reasons) for c in found] == [(True, ["human_handoff"]), (False, [])]
    assert [[m.intent for m in c.to_review] for c in found] == [["nlu_fallback"], ["out_of_scope"]]


def test_the_conversation_id_is_replaced_by_a_stable_pseudonym():
    sender = "3f9c2a7d1e8b4c6f9a0b1c2d3e4f5a6b"
    assert pseudonym(sender) == pseudonym(sender) != pseudonym(sender + "x")
    assert sender not in pseudonym(sender) and len(pseudonym(sender)) == 12
    assert conversations([user(sender, 0, "greet")])[0].ref == pseudonym(sender)
