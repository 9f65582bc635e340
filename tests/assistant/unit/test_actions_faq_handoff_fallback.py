"""FAQ answers completed from the services, the handoff to a person, and the low-confidence offer."""
import json

from actions.faq import ActionAnswerFaq
from actions.fallback import ActionDefaultAskAffirmation
from actions.handoff import ActionHumanHandoff
from tests.assistant.unit.conftest import URL, make_tracker, run, texts


def faq_tracker(key, text="", entities=(), metadata=None):
    tracker = make_tracker(text, "faq", entities=entities, metadata=metadata)
    tracker.latest_message["response_selector"] = {"faq": {"response": {"intent_response_key": key, "confidence": 0.9}}}
    return tracker


def test_fixed_faq_answer_comes_from_the_domain_response(services, dispatcher, domain):
    run(ActionAnswerFaq(), dispatcher, faq_tracker("faq/contact_support"), domain)
    assert dispatcher.messages == [dispatcher.messages[0]] and dispatcher.messages[0]["response"] == "utter_faq/contact_support"


def test_fee_answer_reads_the_catalog_and_the_customers_own_fee(services, dispatcher, domain):
    services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json={
        "fees": [{"kind": "cancellation_fee", "amount": "25.00", "reason": "minimum term"}], "refund": "6.66"})
    tracker = faq_tracker("faq/change_fees", "is there a fee to cancel streammax", [{"entity": "service", "value": "StreamMax TV"}])
    run(ActionAnswerFaq(), dispatcher, tracker, domain)
    text = texts(dispatcher)
    assert "StreamMax TV: A cancellation fee of $25.00 applies" in text
    assert "cancelling StreamMax TV today would mean a $25.00 fee and a refund of $6.66" in text


def test_activation_answer_gives_the_named_services_own_time(services, dispatcher, domain):
    tracker = faq_tracker("faq/activation_time", "how long till cloud backup works", [{"entity": "service", "value": "Cloud Backup"}])
    run(ActionAnswerFaq(), dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_faq/activation_time"
    assert "Cloud Backup: active within 4 hours of the order; you're notified when it's live." in texts(dispatcher)


def test_activation_answer_without_a_service_is_the_fixed_text(services, dispatcher, domain):
    run(ActionAnswerFaq(), dispatcher, faq_tracker("faq/activation_time", "how long does activation take"), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_faq/activation_time"]


def test_fee_answer_survives_the_services_being_down(dispatcher, domain):
    import responses
    with responses.RequestsMock() as mock:
        mock.get(f"{URL}/catalog/services", status=503, body="down")
        run(ActionAnswerFaq(), dispatcher, faq_tracker("faq/change_fees", metadata={}), domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_faq/change_fees"]


def test_handoff_records_request_and_summary(services, dispatcher, domain):
    queue = services.post(f"{URL}/handoffs", status=201, json={"id": 12, "status": "waiting"})
    tracker = make_tracker("i want a real person", "human_handoff", sender="conv-9")
    tracker.events = [{"event": "user", "text": "cancel my tv", "parse_data": {"intent": {"name": "cancel_service"}}},
                      {"event": "bot", "text": "Which service would you like to cancel?"},
                      {"event": "user", "text": "i want a real person", "parse_data": {"intent": {"name": "human_handoff"}}}]
    run(ActionHumanHandoff(), dispatcher, tracker, domain)
    body = json.loads(queue.calls[0].request.body)
    assert body["conversation_id"] == "conv-9" and body["account_number"] == "QC-1001"
    assert "user (cancel_service): cancel my tv" in body["summary"]
    assert "request #12" in texts(dispatcher)
    assert dispatcher.messages[-1]["custom"] == {"handoff": {"id": 12, "status": "waiting"}}


def test_handoff_when_the_queue_is_down_gives_the_helpdesk(services, dispatcher, domain):
    services.post(f"{URL}/handoffs", status=500, body="oops")
    run(ActionHumanHandoff(), dispatcher, make_tracker("human please", "human_handoff"), domain)
    assert dispatcher.messages[-1]["response"] == "utter_agent_queue_unavailable"


def test_low_confidence_offers_the_likeliest_intents_with_their_entities(dispatcher, domain):
    tracker = make_tracker("streammax thing hmm", "nlu_fallback", entities=[{"entity": "service", "value": "StreamMax TV"}])
    tracker.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.6}, {"name": "cancel_service", "confidence": 0.5},
                                                {"name": "add_service", "confidence": 0.3}, {"name": "faq", "confidence": 0.1}]
    run(ActionDefaultAskAffirmation(), dispatcher, tracker, domain)
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ['/cancel_service{"service": "StreamMax TV"}', '/add_service{"service": "StreamMax TV"}', "/out_of_scope"]
