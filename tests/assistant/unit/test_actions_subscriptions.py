"""The add / modify / cancel forms and their writes, with the services faked at the HTTP layer."""
import json


from actions.subscriptions import (ActionListServices, ActionSubmitCancelService, ValidateAddServiceForm,
                                   ValidateCancelServiceForm, ValidateModifyServiceForm)
from tests.assistant.unit.conftest import (CLOUD, STREAMMAX, URL, VOICEMAIL, make_tracker, run, slots_of,
                                           subscription, texts, token)

CANCEL_QUOTE = {"action": "cancel", "service": {"code": "streammax_tv", "name": "StreamMax TV"},
                "from_tier": {"code": "premium", "name": "Premium"}, "to_tier": None,
                "monthly_price_before": "19.99", "monthly_price_after": "0.00", "price_change": "-19.99",
                "cycle": {"start": "2026-11-01", "end": "2026-11-30", "days": 30}, "effective_date": "2026-11-21",
                "days_remaining": 10, "prorated_charge": "0.00", "prorated_credit": "6.66",
                "fees": [{"kind": "cancellation_fee", "amount": "25.00", "reason": "within the 12-month minimum term"}],
                "refund": "6.66", "net_adjustment": "18.34", "activation_eta": None, "terms": [], "tell_customer": ["No further action needed."]}


def test_add_fills_service_and_tier_from_one_message_and_quotes(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(CLOUD, "200 GB")])
    quote = services.post(f"{URL}/customers/QC-1001/subscriptions/quote",
                          json={**CANCEL_QUOTE, "action": "add", "net_adjustment": "6.66"})
    tracker = make_tracker("add streammax premium", "add_service", active_loop="add_service_form",
                           slots={"account_number": "QC-1001"},
                           set_this_turn={"service": "StreamMax TV", "tier": "Premium"})
    slots = slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] == "StreamMax TV" and slots["tier"] == "Premium"
    assert slots["quote"]["net_adjustment"] == "6.66" and slots["quote"]["quote_id"]
    assert slots["confirm"] is None  # Rasa asks the confirmation next
    assert json.loads(quote.calls[0].request.body) == {"action": "add", "service": "StreamMax TV", "tier": "Premium"}


def test_unknown_service_suggests_the_closest_names(services, dispatcher, domain):
    # a typo the matcher is sure of resolves ("streemax": test_a_typo_in_the_service_resolves); this one is too far
    tracker = make_tracker("stremmaks", "add_service", active_loop="add_service_form", requested_slot="service",
                           slots={"account_number": "QC-1001"})
    slots = slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] is None and slots["failed_attempts"] == 1
    assert "Did you mean StreamMax TV?" in texts(dispatcher)
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "StreamMax TV"


def test_repeated_misses_list_every_service(services, dispatcher, domain):
    tracker = make_tracker("the thingy", "add_service", active_loop="add_service_form", requested_slot="service",
                           slots={"account_number": "QC-1001", "failed_attempts": 1})
    run(ValidateAddServiceForm(), dispatcher, tracker, domain)
    assert "StreamMax TV, Cloud Backup, Visual Voicemail" in texts(dispatcher)


def test_adding_what_is_already_active_ends_the_form_without_a_change(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(STREAMMAX, "Premium")])
    tracker = make_tracker("add streammax", "add_service", active_loop="add_service_form",
                           slots={"account_number": "QC-1001"}, set_this_turn={"service": "StreamMax TV"})
    slots = slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))
    assert slots["confirm"] is False and slots["requested_slot"] is None
    assert "already has StreamMax TV (Premium" in texts(dispatcher)


def test_cancel_of_a_service_not_on_the_account_lists_what_is(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(CLOUD, "200 GB")])
    tracker = make_tracker("cancel streammax", "cancel_service", active_loop="cancel_service_form",
                           slots={"account_number": "QC-1001"}, set_this_turn={"service": "StreamMax TV"})
    slots = slots_of(run(ValidateCancelServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] is None
    assert "StreamMax TV isn't on the account" in texts(dispatcher) and "Cloud Backup (200 GB" in texts(dispatcher)


def test_single_tier_service_needs_no_tier_question(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[])
    services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json={**CANCEL_QUOTE, "action": "add"})
    tracker = make_tracker("add visual voicemail", "add_service", active_loop="add_service_form",
                           slots={"account_number": "QC-1001"}, set_this_turn={"service": "Visual Voicemail"})
    slots = slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))
    assert slots["tier"] == VOICEMAIL["tiers"][0]["name"] and slots["quote"] and slots["confirm"] is None


def test_correction_at_the_confirmation_requotes_and_asks_again(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(STREAMMAX, "Basic")])
    services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json={**CANCEL_QUOTE, "action": "modify", "net_adjustment": "3.33"})
    tracker = make_tracker("actually make it premium", "modify_service", active_loop="modify_service_form",
                           requested_slot="confirm",
                           slots={"account_number": "QC-1001", "service": "StreamMax TV", "quote": {"quote_id": "old"}},
                           set_this_turn={"tier": "premium"})
    slots = slots_of(run(ValidateModifyServiceForm(), dispatcher, tracker, domain))
    assert slots["tier"] == "Premium" and slots["quote"]["quote_id"] != "old"
    assert slots["confirm"] is None  # a new quote needs a new yes


def test_no_anywhere_in_the_form_ends_it(services, dispatcher, domain):
    tracker = make_tracker("no stop", "deny", active_loop="cancel_service_form", requested_slot="service",
                           slots={"account_number": "QC-1001"}, set_this_turn={"confirm": False})
    events = run(ValidateCancelServiceForm(), dispatcher, tracker, domain)
    assert slots_of(events)["requested_slot"] is None
    assert len(services.calls) == 0


def test_form_refuses_an_expired_login(services, dispatcher, domain):
    tracker = make_tracker("cancel streammax", "cancel_service", metadata={"token": token(ttl=-5)},
                           active_loop="cancel_service_form", set_this_turn={"service": "StreamMax TV"})
    slots = slots_of(run(ValidateCancelServiceForm(), dispatcher, tracker, domain))
    assert slots == {"confirm": False, "requested_slot": None}
    assert dispatcher.messages[0]["response"] == "utter_login_required"


def confirmed_cancel(sender="conv-1", metadata=None):
    return make_tracker("yes", "affirm", sender=sender, metadata=metadata,
                        slots={"account_number": "QC-1001", "service": "StreamMax TV", "confirm": True,
                               "quote": {**CANCEL_QUOTE, "quote_id": "q-1"}})


def test_confirmed_cancel_writes_once_with_a_stable_key_and_reports_the_money(services, dispatcher, domain):
    write = services.post(f"{URL}/customers/QC-1001/subscriptions/StreamMax%20TV/cancel",
                          json={"subscription": {**subscription(STREAMMAX, "Premium", "cancelled"), "cancelled_on": "2026-11-21"},
                                "quote": CANCEL_QUOTE, "billing_entries": []})
    events = run(ActionSubmitCancelService(), dispatcher, confirmed_cancel(), domain)
    run(ActionSubmitCancelService(), dispatcher, confirmed_cancel(), domain)  # a redelivered confirmation
    keys = {c.request.headers["Idempotency-Key"] for c in write.calls}
    assert len(keys) == 1  # the same confirmed request always carries the same key
    assert "StreamMax TV is cancelled as of Sat 21 Nov 2026" in texts(dispatcher)
    assert "$18.34 charge" in texts(dispatcher)
    assert slots_of(events)["service"] is None and slots_of(events)["quote"] is None


def test_a_different_conversation_gets_a_different_key(services, dispatcher, domain):
    write = services.post(f"{URL}/customers/QC-1001/subscriptions/StreamMax%20TV/cancel", json={"subscription": {}, "quote": {}})
    run(ActionSubmitCancelService(), dispatcher, confirmed_cancel("conv-1"), domain)
    run(ActionSubmitCancelService(), dispatcher, confirmed_cancel("conv-2"), domain)
    assert len({c.request.headers["Idempotency-Key"] for c in write.calls}) == 2


def test_no_confirmation_means_no_write(services, dispatcher, domain):
    tracker = make_tracker("no", "deny", slots={"account_number": "QC-1001", "service": "StreamMax TV", "confirm": False,
                                                "quote": CANCEL_QUOTE})
    run(ActionSubmitCancelService(), dispatcher, tracker, domain)
    assert [c.request.method for c in services.calls] == []
    assert dispatcher.messages[0]["response"] == "utter_nothing_changed"


def test_services_down_at_the_write_says_nothing_changed(services, dispatcher, domain, monkeypatch):
    monkeypatch.setattr("actions.api.services.time.sleep", lambda s: None)
    import requests
    services.post(f"{URL}/customers/QC-1001/subscriptions/StreamMax%20TV/cancel", body=requests.ConnectionError("down"))
    run(ActionSubmitCancelService(), dispatcher, confirmed_cancel(), domain)
    assert "haven't changed anything" in texts(dispatcher)
    assert "Done" not in texts(dispatcher)


def test_refused_write_is_explained(services, dispatcher, domain):
    services.post(f"{URL}/customers/QC-1001/subscriptions/StreamMax%20TV/cancel", status=409,
                  json={"error": {"code": "not_subscribed", "message": "StreamMax TV is not active on QC-1001."}})
    run(ActionSubmitCancelService(), dispatcher, confirmed_cancel(), domain)
    assert "refused: StreamMax TV is not active on QC-1001. Nothing was changed." in texts(dispatcher)


def test_list_services_shows_active_and_pending(services, dispatcher, domain):
    pending = {**subscription(CLOUD, "50 GB", "pending_activation"), "activates_at": "2026-11-22T04:00:00Z"}
    services.get(f"{URL}/customers/QC-1001/subscriptions",
                 json=[subscription(STREAMMAX, "Premium"), pending, subscription(VOICEMAIL, "Standard", "cancelled")])
    run(ActionListServices(), dispatcher, make_tracker("what do i have", "list_services", slots={"account_number": "QC-1001"}), domain)
    text = texts(dispatcher)
    assert "StreamMax TV (Premium, $19.99/month): active" in text
    assert "Cloud Backup (50 GB, $2.99/month): pending activation (live by Sun 22 Nov at 04:00 UTC)" in text
    assert "Visual Voicemail" not in text


def test_yes_that_repeats_the_quoted_tier_keeps_the_yes(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(STREAMMAX, "Basic")])
    quote = services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json={})
    shown = {**CANCEL_QUOTE, "action": "modify", "to_tier": {"code": "premium", "name": "Premium"}, "quote_id": "q"}
    tracker = make_tracker("yes premium is right", "affirm", active_loop="modify_service_form", requested_slot="confirm",
                           slots={"account_number": "QC-1001", "service": "StreamMax TV", "quote": shown},
                           set_this_turn={"tier": "premium", "confirm": True})
    slots = slots_of(run(ValidateModifyServiceForm(), dispatcher, tracker, domain))
    assert "quote" not in slots and slots.get("confirm", True) is True
    assert len(quote.calls) == 0


def test_a_typo_in_the_service_resolves(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[])
    tracker = make_tracker("streemax", "add_service", active_loop="add_service_form", requested_slot="service",
                           slots={"account_number": "QC-1001"})
    assert slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))["service"] == "StreamMax TV"
