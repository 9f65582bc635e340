"""The catalog, references back, two requests in one message, things said up front, agents who have
not named an account yet, and the short turns between requests (services faked at the HTTP layer)."""
import responses

from actions.catalog import tier_in_text
from actions.catalog_info import ActionDescribeCatalog
from actions.faq import ActionAnswerFaq
from actions.plans import ActionCheckRates, ValidateChangePlanForm, ValidateRecommendPlanForm
from actions.requests_queue import ActionSplitRequests, split_requests
from actions.small_turns import ActionAcknowledge, ActionLastChange
from actions.subscriptions import ActionAskService, ActionSubmitCancelService, ValidateAddServiceForm, ValidateCancelServiceForm
from tests.assistant.unit.conftest import CLOUD, STREAMMAX, URL, make_tracker, run, slots_of, subscription, texts, token
from tests.assistant.unit.test_actions_faq_handoff_fallback import faq_tracker
from tests.assistant.unit.test_actions_subscriptions import CANCEL_QUOTE

AGENT = {"token": token("agent", "agent-ana")}


def entity(kind, value, start, end):
    return {"entity": kind, "value": value, "start": start, "end": end}


def test_catalog_overview_lists_every_service_with_its_lowest_price_for_anyone(services, dispatcher, domain):
    tracker = make_tracker("what add-ons do you have", "ask_catalog", metadata={})
    events = run(ActionDescribeCatalog(), dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert "StreamMax TV" in reply and "from $9.99/month" in reply and "Cloud Backup" in reply and "from $2.99/month" in reply
    assert slots_of(events)["discussed"][0]["names"] == ["StreamMax TV", "Cloud Backup", "Visual Voicemail"]


def test_one_service_described_with_tiers_activation_and_terms(services, dispatcher, domain):
    tracker = make_tracker("how much is streammax", "ask_catalog", entities=[entity("service", "StreamMax TV", 12, 21)])
    events = run(ActionDescribeCatalog(), dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert "Basic $9.99/month, Standard $14.99/month, Premium $19.99/month" in reply
    assert "within 24 hours" in reply and "minimum term 12 months" in reply and "$25.00" in reply
    assert slots_of(events)["discussed"][0]["names"] == ["StreamMax TV"]


AMERICAS = {"code": "americas_saver", "name": "Americas Saver", "kind": "regional", "monthly_fee": "12.00",
            "included_minutes": 500, "fair_use_minutes": None, "overage_rate": "0.04", "regions": ["America"],
            "restrictions": ["500 minutes a cycle to countries in the Americas; beyond that, $0.04 a minute."]}
WORLD = {"code": "world_unlimited", "name": "World Unlimited", "kind": "unlimited", "monthly_fee": "45.00",
         "included_minutes": None, "fair_use_minutes": 3000, "overage_rate": None, "regions": None,
         "restrictions": ["Unlimited calls up to a fair-use limit of 3,000 minutes per billing cycle."]}
NIGERIA_RATES = {"country": {"code": "NG", "name": "Nigeria", "region": "Africa"}, "blocked": False,
                 "rates": [{"plan": {"code": "americas_saver", "name": "Americas Saver"}, "per_minute": "0.35"},
                           {"plan": {"code": "world_unlimited", "name": "World Unlimited"}, "per_minute": "0.00",
                            "note": "within the fair-use limit"}]}


def test_a_named_plan_is_described_from_the_catalog_and_becomes_the_referent(services, dispatcher, domain):
    services.replace(responses.GET, f"{URL}/catalog/plans", json=[WORLD, AMERICAS])
    tracker = faq_tracker("faq/plan_types", "tell me about the americas saver plan", metadata={},
                          entities=[entity("plan", "Americas Saver", 18, 32)])
    events = run(ActionAnswerFaq(), dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert "Americas Saver (regional): $12.00/month." in reply and "beyond that, $0.04 a minute" in reply
    assert "World Unlimited" not in reply
    assert slots_of(events)["discussed"] == [{"kind": "plan", "names": ["Americas Saver"], "turn": 1}]


def test_a_plan_question_naming_no_plan_lists_them_all_and_remembers_nothing(services, dispatcher, domain):
    services.replace(responses.GET, f"{URL}/catalog/plans", json=[WORLD, AMERICAS])
    events = run(ActionAnswerFaq(), dispatcher, faq_tracker("faq/plan_types", "what plans are there", metadata={}), domain)
    assert "World Unlimited" in texts(dispatcher) and "Americas Saver" in texts(dispatcher) and events == []


def test_rates_remember_the_country_and_the_plan_together(services, dispatcher, domain):
    """Both are kept: a second SlotSet for the plan used to overwrite the country."""
    services.get(f"{URL}/catalog/rates", json=NIGERIA_RATES)
    tracker = make_tracker("how much is it to ring nigeria on americas saver", "check_rates", metadata={},
                           entities=[entity("country", "Nigeria", 21, 28), entity("plan", "Americas Saver", 32, 46)])
    events = [e for e in run(ActionCheckRates(), dispatcher, tracker, domain) if e.get("name") == "discussed"]
    assert len(events) == 1 and {d["kind"]: d["names"] for d in events[0]["value"]} == \
        {"country": ["Nigeria"], "plan": ["Americas Saver"]}
    assert "$0.35" in texts(dispatcher) and "World Unlimited" not in texts(dispatcher)


def test_and_on_the_unlimited_one_gives_that_plans_rate_for_the_country_just_discussed(services, dispatcher, domain):
    services.get(f"{URL}/catalog/rates", json=NIGERIA_RATES)
    tracker = make_tracker("and on the unlimited one?", "check_rates", metadata={},
                           entities=[entity("tier", "Unlimited", 11, 20)],
                           slots={"discussed": [{"kind": "country", "names": ["Nigeria"], "turn": 0},
                                                {"kind": "plan", "names": ["Americas Saver"], "turn": 0}]})
    run(ActionCheckRates(), dispatcher, tracker, domain)
    reply = texts(dispatcher)
    assert "Nigeria" in reply and "World Unlimited: $0.00/min" in reply and "Americas Saver" not in reply


def test_cancel_it_after_talking_about_one_service_fills_the_service(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(STREAMMAX, "Premium")])
    services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json=CANCEL_QUOTE)
    tracker = make_tracker("go on then, get rid of it", "cancel_service", active_loop="cancel_service_form",
                           slots={"account_number": "QC-1001",
                                  "discussed": [{"kind": "service", "names": ["StreamMax TV"], "turn": 0}]})
    slots = slots_of(run(ValidateCancelServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] == "StreamMax TV" and slots["quote"]["net_adjustment"] == "18.34"


def test_a_reference_long_after_the_discussion_fills_nothing(services, dispatcher, domain):
    tracker = make_tracker("cancel it", "cancel_service", active_loop="cancel_service_form",
                           slots={"account_number": "QC-1001",
                                  "discussed": [{"kind": "service", "names": ["StreamMax TV"], "turn": -10}]})
    assert "service" not in slots_of(run(ValidateCancelServiceForm(), dispatcher, tracker, domain))


def test_two_services_discussed_ask_which_one(services, dispatcher, domain):
    tracker = make_tracker("sign me up for that one", "add_service", active_loop="add_service_form",
                           slots={"account_number": "QC-1001",
                                  "discussed": [{"kind": "service", "names": ["StreamMax TV", "Cloud Backup"], "turn": 1}]})
    run(ActionAskService(), dispatcher, tracker, domain)
    assert "StreamMax TV or Cloud Backup" in texts(dispatcher)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["StreamMax TV", "Cloud Backup"]


def test_the_tier_said_up_front_or_by_its_place_is_used():
    locator = [{"name": "Up to 3 members", "monthly_price": "4.99"}, {"name": "Up to 6 members", "monthly_price": "7.99"}]
    assert tier_in_text("add family locator for up to 6", locator)["name"] == "Up to 6 members"
    assert tier_in_text("sounds good, sign me up for the middle tier", STREAMMAX["tiers"])["name"] == "Standard"
    assert tier_in_text("the biggest one", CLOUD["tiers"])["name"] == "200 GB"
    assert tier_in_text("add cloud backup 50 gb", CLOUD["tiers"])["name"] == "50 GB"
    assert tier_in_text("add cloud backup", CLOUD["tiers"]) is None
    assert tier_in_text("the middle one", CLOUD["tiers"]) is None  # two tiers have no middle


def test_agent_request_without_an_account_asks_for_it_then_goes_on(services, dispatcher, domain):
    tracker = make_tracker("the customer would like to drop streammax", "cancel_service", metadata=AGENT,
                           active_loop="cancel_service_form", set_this_turn={"service": "StreamMax TV"})
    slots = slots_of(run(ValidateCancelServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] == "StreamMax TV" and "quote" not in slots  # nothing read before the account is known
    services.get(f"{URL}/customers/QC-1002", json={"account_number": "QC-1002"})
    services.get(f"{URL}/customers/QC-1002/subscriptions", json=[subscription(STREAMMAX, "Premium")])
    services.post(f"{URL}/customers/QC-1002/subscriptions/quote", json=CANCEL_QUOTE)
    answer = make_tracker("QC-1002", "inform", metadata=AGENT, active_loop="cancel_service_form",
                          requested_slot="account_number", slots={"service": "StreamMax TV"},
                          set_this_turn={"account_number": "QC-1002"})
    slots = slots_of(run(ValidateCancelServiceForm(), dispatcher, answer, domain))
    assert slots["account_number"] == "QC-1002" and slots["quote"]["refund"] == "6.66"


def test_agent_plan_change_without_an_account_keeps_the_plan_until_it_is_named(services, dispatcher, domain):
    tracker = make_tracker("move the customer to world unlimited", "change_plan", metadata=AGENT,
                           active_loop="change_plan_form", set_this_turn={"plan": "World Unlimited"})
    assert slots_of(run(ValidateChangePlanForm(), dispatcher, tracker, domain))["plan"] == "World Unlimited"


def test_agent_plan_change_now_without_an_account_quotes_nothing_until_it_is_named(services, dispatcher, domain):
    """"caller wants to move to asia pacific saver now": the plan and "now" wait for the account,
    no quote is asked for account None and nothing is cleared."""
    tracker = make_tracker("caller wants to move to the asia pacific saver now", "change_plan", metadata=AGENT,
                           active_loop="change_plan_form", slots={"plan": "Asia Pacific Saver"},
                           set_this_turn={"change_when": "now"})
    slots = slots_of(run(ValidateChangePlanForm(), dispatcher, tracker, domain))
    assert slots["change_when"] == "now" and "quote" not in slots and slots.get("plan", "Asia Pacific Saver")
    assert texts(dispatcher) == ""


def test_yes_to_did_you_mean_takes_the_first_suggestion(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[])
    tracker = make_tracker("yes", "affirm", active_loop="add_service_form", requested_slot="service",
                           slots={"account_number": "QC-1001", "did_you_mean": {"slot": "service", "names": ["StreamMax TV"]}})
    assert slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))["service"] == "StreamMax TV"


def test_minutes_said_up_front_fill_the_recommendation(dispatcher, domain):
    tracker = make_tracker("which plan is best if i ring mexico 2 times a week for roughly 1,200 minutes monthly",
                           "recommend_plan", active_loop="recommend_plan_form")
    assert slots_of(run(ValidateRecommendPlanForm(), dispatcher, tracker, domain))["monthly_minutes"] == 1200


def test_two_requests_split_by_their_entities_in_order():
    text = "bump streammax up to premium and put me on europe saver from next cycle"
    entities = [entity("service", "StreamMax TV", 5, 14), entity("tier", "Premium", 21, 28),
                entity("plan", "Europe Saver", 43, 55)]
    assert split_requests("modify_service+change_plan", text, entities) == [
        {"intent": "modify_service", "service": "StreamMax TV", "tier": "Premium"},
        {"intent": "change_plan", "plan": "Europe Saver", "change_when": "next_cycle"}]
    two = [entity("service", "Hotspot Boost", 5, 18), entity("service", "Family Locator", 32, 46)]
    assert split_requests("cancel_service+add_service", "drop hotspot boost and give me family locator", two) == [
        {"intent": "cancel_service", "service": "Hotspot Boost"}, {"intent": "add_service", "service": "Family Locator"}]
    assert split_requests("cancel_service", "cancel hotspot boost and family locator", two) == [
        {"intent": "cancel_service", "service": "Hotspot Boost"}, {"intent": "cancel_service", "service": "Family Locator"}]


def test_two_requests_are_announced_and_the_first_form_starts(dispatcher, domain):
    two = [entity("service", "Hotspot Boost", 5, 18), entity("service", "Family Locator", 32, 46)]
    tracker = make_tracker("drop hotspot boost and give me family locator", "cancel_service+add_service", entities=two)
    events = run(ActionSplitRequests(), dispatcher, tracker, domain)
    assert "2 things: 1. cancel Hotspot Boost; 2. add Family Locator" in texts(dispatcher)
    assert slots_of(events)["service"] == "Hotspot Boost"
    assert slots_of(events)["pending_requests"] == [{"intent": "add_service", "service": "Family Locator"}]
    assert events[-1] == {"event": "followup", "name": "cancel_service_form", "timestamp": None}


def test_no_to_the_first_request_still_starts_the_second(dispatcher, domain):
    tracker = make_tracker("no", "deny", slots={"account_number": "QC-1001", "confirm": False, "service": "Hotspot Boost",
                                                "pending_requests": [{"intent": "add_service", "service": "Family Locator"}]})
    events = run(ActionSubmitCancelService(), dispatcher, tracker, domain)
    assert "Nothing was changed" in texts(dispatcher) or dispatcher.messages[0].get("response") == "utter_nothing_changed"
    assert "Next, your other request: add Family Locator" in texts(dispatcher)
    assert slots_of(events)["service"] == "Family Locator" and slots_of(events)["pending_requests"] is None
    assert events[-1]["name"] == "add_service_form"


def test_a_stray_yes_after_a_change_and_what_did_you_change(dispatcher, domain):
    done = "Done: StreamMax TV is cancelled as of Sat 21 Nov 2026."
    tracker = make_tracker("ok", "affirm", slots={"last_outcome": done})
    tracker.events.insert(0, {"event": "action", "name": "action_submit_cancel_service"})
    run(ActionAcknowledge(), dispatcher, tracker, domain)
    assert "That's done" in texts(dispatcher)
    run(ActionLastChange(), dispatcher, make_tracker("what did you just change", "ask_last_change",
                                                     slots={"last_outcome": done}), domain)
    assert done in texts(dispatcher)


def test_one_request_for_two_services_takes_them_in_turn(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[subscription(STREAMMAX, "Premium"), subscription(CLOUD, "200 GB")])
    services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json=CANCEL_QUOTE)
    two = [entity("service", "StreamMax TV", 7, 16), entity("service", "Cloud Backup", 21, 33)]
    tracker = make_tracker("cancel streammax and cloud backup", "cancel_service", entities=two,
                           active_loop="cancel_service_form", slots={"account_number": "QC-1001"},
                           set_this_turn={"service": "Cloud Backup"})
    slots = slots_of(run(ValidateCancelServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] == "StreamMax TV" and slots["quote"]["net_adjustment"] == "18.34"
    assert slots["pending_requests"] == [{"intent": "cancel_service", "service": "Cloud Backup"}]
    assert "That's 2 services: StreamMax TV, Cloud Backup" in texts(dispatcher)


def test_the_second_request_opens_with_its_own_service_after_a_no(services, dispatcher, domain):
    # Rasa fills the opening form's slots again from "no" and the first message: the queued request wins
    services.get(f"{URL}/customers/QC-1001/subscriptions", json=[])
    services.post(f"{URL}/customers/QC-1001/subscriptions/quote", json={**CANCEL_QUOTE, "action": "add"})
    tracker = make_tracker("no", "deny", active_loop="add_service_form",
                           slots={"account_number": "QC-1001",
                                  "request_started": {"intent": "add_service", "service": "Cloud Backup", "tier": "50 GB"}},
                           set_this_turn={"service": "Hotspot Boost", "confirm": False})
    slots = slots_of(run(ValidateAddServiceForm(), dispatcher, tracker, domain))
    assert slots["service"] == "Cloud Backup" and slots["tier"] == "50 GB" and slots["quote"]
    assert slots["confirm"] is None


def test_two_requests_keep_the_message_order_whatever_the_label_order():
    text = "bump streammax down to basic and put me on world unlimited from next cycle"
    entities = [entity("service", "StreamMax TV", 5, 14), entity("tier", "Basic", 23, 28),
                entity("plan", "World Unlimited", 43, 58)]
    assert split_requests("change_plan+modify_service", text, entities) == [
        {"intent": "modify_service", "service": "StreamMax TV", "tier": "Basic"},
        {"intent": "change_plan", "plan": "World Unlimited", "change_when": "next_cycle"}]


def test_a_plan_change_said_for_today_in_two_requests_is_not_asked_again():
    text = "upgrade cloud backup to 2 tb and put me on europe saver from today"
    entities = [entity("service", "Cloud Backup", 8, 20), entity("tier", "2 TB", 24, 28),
                entity("plan", "Europe Saver", 42, 54)]
    assert split_requests("modify_service+change_plan", text, entities)[1] == {
        "intent": "change_plan", "plan": "Europe Saver", "change_when": "now"}
