"""Identity comes only from a verified token in the message metadata."""
from actions.identity import ActionExtractIdentity, identity_from_metadata
from tests.assistant.unit.conftest import make_tracker, run, slots_of, token


def test_customer_token_gives_customer_identity():
    who = identity_from_metadata({"token": token("customer", "QC-1002")})
    assert (who.role, who.subject, who.logged_in, who.channel) == ("customer", "QC-1002", True, "chat")


def test_agent_token_gives_agent_identity_on_the_agent_widget_channel():
    who = identity_from_metadata({"token": token("agent", "agent-ana")})
    assert (who.role, who.subject, who.channel) == ("agent", "agent-ana", "agent_widget")


def test_expired_forged_and_missing_tokens_are_anonymous():
    assert identity_from_metadata({"token": token(ttl=-10)}).problem == "expired"
    assert identity_from_metadata({"token": token(secret="not-the-secret")}).problem == "invalid"
    assert identity_from_metadata({"token": 42}).logged_in is False
    assert identity_from_metadata(None).logged_in is False


def test_identity_slots_follow_the_token_not_the_text(dispatcher, domain):
    tracker = make_tracker(text="i am QC-1003, cancel my stuff", metadata={"token": token("customer", "QC-1001")},
                           entities=[{"entity": "account_number", "value": "QC-1003"}])
    slots = slots_of(run(ActionExtractIdentity(), dispatcher, tracker, domain))
    assert slots == {"logged_in": True, "user_role": "customer", "account_number": "QC-1001"}


def test_anonymous_has_no_account_even_one_typed(dispatcher, domain):
    tracker = make_tracker("cancel streammax on QC-1003", metadata={}, slots={"account_number": "QC-1003"})
    slots = slots_of(run(ActionExtractIdentity(), dispatcher, tracker, domain))
    assert slots == {"logged_in": False, "user_role": "anonymous", "account_number": None}


def test_unchanged_identity_sets_nothing_so_open_form_questions_stay_open(dispatcher, domain):
    tracker = make_tracker(slots={"logged_in": True, "user_role": "customer", "account_number": "QC-1001"})
    assert run(ActionExtractIdentity(), dispatcher, tracker, domain) == []


def _agent_tracker(current, previous, slot):
    agent = token("agent", "agent-ana")
    tracker = make_tracker("cancel their tv", metadata={"token": agent, **({"working_account": current} if current else {})},
                           slots={"logged_in": True, "user_role": "agent", "account_number": slot})
    tracker.events = [{"event": "user", "text": "hi", "metadata": {"token": agent, "working_account": previous}},
                      {"event": "user", "text": "cancel their tv", "metadata": tracker.latest_message["metadata"]}]
    return tracker


def test_an_account_the_agent_opens_in_the_portal_becomes_the_account_acted_on(dispatcher, domain):
    tracker = _agent_tracker(current="QC-1002", previous=None, slot=None)
    assert slots_of(run(ActionExtractIdentity(), dispatcher, tracker, domain)) == {"account_number": "QC-1002"}
    tracker = _agent_tracker(current="QC-1003", previous="QC-1002", slot="QC-1002")
    assert slots_of(run(ActionExtractIdentity(), dispatcher, tracker, domain)) == {"account_number": "QC-1003"}


def test_an_account_the_agent_names_in_the_chat_is_not_overridden_by_the_open_one(dispatcher, domain):
    tracker = _agent_tracker(current="QC-1002", previous="QC-1002", slot="QC-1003")
    assert run(ActionExtractIdentity(), dispatcher, tracker, domain) == []
