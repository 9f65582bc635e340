"""The QuickConnect channel's own rules: which tokens it accepts, its rate limit, what a reload shows."""
import time

import jwt
import pytest

from bot.channels.quickconnect import (RateLimiter, TokenRefused, conversation_owner, history_from_events,
                                       verify_token)

SECRET = "channel-unit-test-secret-0123456789abcdef"


def token(secret=SECRET, **claims):
    now = int(time.time())
    return jwt.encode({"sub": "QC-1001", "role": "customer", "iat": now, "exp": now + 60, **claims}, secret,
                      algorithm="HS256")


def test_a_valid_token_names_role_and_subject():
    who = verify_token(token(role="agent", sub="agent-ana"), SECRET)
    assert (who.role, who.subject) == ("agent", "agent-ana")


@pytest.mark.parametrize("bad, code", [
    (token(secret="someone-elses-secret-0123456789abcdef"), "token_invalid"),
    (token(exp=int(time.time()) - 5), "token_expired"),
    (token(role="admin"), "token_invalid"),
    (jwt.encode({"sub": "QC-1001", "role": "customer", "iat": 1, "exp": 2**40}, None, algorithm="none"), "token_invalid"),
    ("not.a.token", "token_invalid"),
])
def test_forged_expired_or_odd_tokens_are_refused_with_a_reason(bad, code):
    with pytest.raises(TokenRefused) as refused:
        verify_token(bad, SECRET)
    assert refused.value.code == code and "log in again" in refused.value.message.lower()


def test_rate_limit_is_a_sliding_window_per_key():
    limit = RateLimiter(3, 60)
    assert [limit.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limit.allow("b", now=3)          # another conversation is not affected
    assert limit.allow("a", now=60.5)       # the first message has left the window


def test_history_shows_button_titles_and_the_assistant_replies():
    events = [{"event": "user", "text": "/affirm", "metadata": {"display_text": "Yes, go ahead"}},
              {"event": "bot", "text": "Done.", "data": {"buttons": [{"title": "Ok", "payload": "/thank"}]}},
              {"event": "bot", "text": None, "data": {"custom": {"handoff": {"id": 3}}}},
              {"event": "action", "name": "action_listen"}]
    assert history_from_events(events) == [
        {"sender": "user", "text": "Yes, go ahead"},
        {"sender": "bot", "text": "Done.", "buttons": [{"title": "Ok", "payload": "/thank"}], "custom": None},
        {"sender": "bot", "text": None, "buttons": [], "custom": {"handoff": {"id": 3}}}]


def test_the_owner_is_whoever_last_spoke_signed_in_even_after_the_token_expired():
    expired = token(exp=int(time.time()) - 5, sub="QC-1002")
    events = [{"event": "user", "text": "hi", "metadata": {}},
              {"event": "user", "text": "my plan", "metadata": {"token": expired}}]
    assert conversation_owner(events, SECRET) == "customer:QC-1002"
    assert conversation_owner([{"event": "user", "text": "hi", "metadata": {"token": token(secret="x" * 40)}}],
                              SECRET) is None


def test_production_refuses_a_missing_default_or_short_secret(monkeypatch):
    from bot.secrets import jwt_secret
    monkeypatch.setenv("QC_ENV", "production")
    for weak in ("", "quickconnect-dev-secret-change-me", "x" * 31):
        monkeypatch.setenv("QC_JWT_SECRET", weak)
        with pytest.raises(SystemExit):
            jwt_secret()
    monkeypatch.setenv("QC_JWT_SECRET", "s" * 40)
    assert jwt_secret() == "s" * 40
    monkeypatch.delenv("QC_ENV")
    monkeypatch.delenv("QC_JWT_SECRET")
    assert jwt_secret() == "quickconnect-dev-secret-change-me"   # a laptop works without setup


def test_the_owner_comes_from_who_was_signed_in_without_any_token():
    # What the tracker store keeps of a message now: who was signed in, never the token.
    events = [{"event": "user", "text": "hi", "metadata": {"signed_in": {"role": "customer", "subject": "QC-1001"}}},
              {"event": "user", "text": "hi", "metadata": {}},
              {"event": "user", "text": "x", "metadata": {"signed_in": "customer:QC-1002"}}]   # not the channel's shape
    assert conversation_owner(events, SECRET) == "customer:QC-1001"


def test_the_metadata_holds_the_token_for_the_actions_and_who_is_signed_in_for_the_store():
    from bot.channels.quickconnect import QuickConnectInput
    channel = QuickConnectInput(jwt_secret=SECRET)
    who = verify_token(token(role="agent", sub="agent-ana"), SECRET)
    md = channel.metadata(who, {"account": "QC-1002", "display": "my pin is 4821", "metadata": {"token": "x"}})
    assert md == {"token": who.token, "signed_in": {"role": "agent", "subject": "agent-ana"},
                  "working_account": "QC-1002", "display_text": "my pin is ****"}
    assert channel.metadata(None, {}) == {}
