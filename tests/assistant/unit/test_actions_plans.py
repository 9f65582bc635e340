"""Plans: the change-plan form's quote and write, recommendation, rates, usage, follow-ups."""
from datetime import datetime, timezone

from rasa_sdk.executor import CollectingDispatcher

from actions.follow_ups import ActionSubmitFollowUp, parse_when
from actions.plans import (ActionCheckRates, ActionRecommendPlan, ActionShowPlan, ActionShowUsage,
                           ActionSubmitChangePlan, ValidateChangePlanForm, ValidateRecommendPlanForm)
from tests.assistant.unit.conftest import URL, make_tracker, run, slots_of, texts

PLAN_QUOTE = {"from_plan": {"code": "europe_saver", "name": "Europe Saver", "monthly_fee": "15.00"},
              "to_plan": {"code": "world_unlimited", "name": "World Unlimited", "monthly_fee": "45.00"},
              "when": "now", "effective_date": "2026-11-21", "cycle": {"start": "2026-11-01", "end": "2026-11-30", "days": 30},
              "days_remaining": 10, "prorated_credit": "5.00", "prorated_charge": "15.00", "net_adjustment": "10.00",
              "restrictions": [], "tell_customer": ["The new plan applies to calls from Sat 21 Nov."]}
CURRENT = {"plan": {"code": "europe_saver", "name": "Europe Saver", "monthly_fee": "15.00", "since": "2026-03-06"},
           "cycle": {"start": "2026-11-01", "end": "2026-11-30", "days": 30},
           "usage": {"minutes": 134, "cost": "0.00", "included_minutes": 300, "minutes_remaining": 166,
                     "by_country": [{"country": {"code": "ES", "name": "Spain"}, "minutes": 65, "cost": "0.00"}]},
           "restrictions": [], "billing_history": []}


def test_plan_and_timing_in_one_message_fetch_the_pro_rated_quote(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/plan", json=CURRENT)
    services.post(f"{URL}/customers/QC-1001/plan/quote", json=PLAN_QUOTE)
    tracker = make_tracker("switch me to world unlimited right away", "change_plan", active_loop="change_plan_form",
                           slots={"account_number": "QC-1001"}, set_this_turn={"plan": "World Unlimited"})
    slots = slots_of(run(ValidateChangePlanForm(), dispatcher, tracker, domain))
    assert slots["plan"] == "World Unlimited" and slots["change_when"] == "now"
    assert slots["quote"]["net_adjustment"] == "10.00"
    assert "World Unlimited (unlimited)" not in texts(dispatcher)  # the quote says it, not a summary


def test_a_plan_named_without_timing_is_summarised_before_asking_when(services, dispatcher, domain):
    """What the customer would move to (fee and restrictions, from the catalog) comes before "now or
    next cycle?"; nothing is quoted yet."""
    services.get(f"{URL}/customers/QC-1001/plan", json=CURRENT)
    tracker = make_tracker("put me on world unlimited", "change_plan", active_loop="change_plan_form",
                           slots={"account_number": "QC-1001"}, set_this_turn={"plan": "World Unlimited"})
    slots = slots_of(run(ValidateChangePlanForm(), dispatcher, tracker, domain))
    assert slots["plan"] == "World Unlimited" and "quote" not in slots
    assert texts(dispatcher) == "World Unlimited (unlimited): $45.00/month."


def test_switching_to_the_current_plan_changes_nothing(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/plan", json=CURRENT)
    tracker = make_tracker("move me to europe saver", "change_plan", active_loop="change_plan_form",
                           slots={"account_number": "QC-1001"}, set_this_turn={"plan": "Europe Saver"})
    slots = slots_of(run(ValidateChangePlanForm(), dispatcher, tracker, domain))
    assert slots["confirm"] is False
    assert "already on Europe Saver" in texts(dispatcher)


def test_confirmed_plan_change_reports_date_and_charge_and_offers_a_follow_up(services, dispatcher, domain):
    write = services.post(f"{URL}/customers/QC-1001/plan/change", json={"plan": {}, "quote": PLAN_QUOTE, "billing_entries": []})
    tracker = make_tracker("yes", "affirm", slots={"account_number": "QC-1001", "plan": "World Unlimited", "change_when": "now",
                                                   "confirm": True, "quote": {**PLAN_QUOTE, "quote_id": "q"}})
    slots = slots_of(run(ActionSubmitChangePlan(), dispatcher, tracker, domain))
    assert write.calls[0].request.headers["Idempotency-Key"].startswith("qc-assistant-")
    assert "moves to World Unlimited on Sat 21 Nov 2026" in texts(dispatcher)
    assert "$10.00 charge" in texts(dispatcher)
    assert dispatcher.messages[-1]["response"] == "utter_offer_follow_up"
    assert slots["offer_follow_up"] is True


def test_recommendation_ranks_plans_and_shows_savings(services, dispatcher, domain):
    services.post(f"{URL}/recommendations", json={
        "countries": ["India"], "monthly_minutes": 300, "current_plan": {"code": "europe_saver", "name": "Europe Saver"},
        "current_cost": "75.00",
        "options": [{"plan": {"code": "asia_pacific_saver", "name": "Asia Pacific Saver"}, "monthly_cost": "20.00", "saving": "55.00"},
                    {"plan": {"code": "world_unlimited", "name": "World Unlimited"}, "monthly_cost": "45.00", "saving": "30.00"}]})
    tracker = make_tracker("300", slots={"account_number": "QC-1001", "countries": ["India"], "monthly_minutes": 300})
    run(ActionRecommendPlan(), dispatcher, tracker, domain)
    text = texts(dispatcher)
    assert "Asia Pacific Saver: $20.00/month, saves $55.00/month" in text
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "switch my plan to Asia Pacific Saver"


def test_minutes_are_read_from_free_text(dispatcher, domain):
    form = ValidateRecommendPlanForm()
    for text, minutes in [("about 300 mins", 300.0), ("2 hours", 120.0), ("maybe 45", 45.0)]:
        tracker = make_tracker(text, "out_of_scope", active_loop="recommend_plan_form", requested_slot="monthly_minutes")
        assert form.extract_monthly_minutes(dispatcher, tracker, domain) == {"monthly_minutes": minutes}
    assert form.validate_monthly_minutes(0, dispatcher, make_tracker(), domain) == {"monthly_minutes": None}


def test_rates_for_each_country_named(services, dispatcher, domain):
    services.get(f"{URL}/catalog/rates", json={"country": {"code": "GB", "name": "United Kingdom", "region": "Europe"}, "blocked": False,
                                                "rates": [{"plan": {"code": "pay_per_minute", "name": "Pay-Per-Minute"},
                                                           "per_minute": "0.15", "included_in_plan": False, "note": ""}]})
    tracker = make_tracker("how much to call the uk", "check_rates", entities=[{"entity": "country", "value": "United Kingdom"}])
    run(ActionCheckRates(), dispatcher, tracker, domain)
    assert "Calling United Kingdom (Europe):\n- Pay-Per-Minute: $0.15/min" in texts(dispatcher)


def test_usage_shows_minutes_left_and_the_usage_tab(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/plan", json=CURRENT)
    run(ActionShowUsage(), dispatcher, make_tracker("my usage", "show_usage", slots={"account_number": "QC-1001"}), domain)
    text = texts(dispatcher)
    assert "134 minutes, $0.00 (166 of 300 included minutes left)" in text and "Spain: 65 min" in text
    assert "\"Usage\" tab" in text


def test_follow_up_times_are_read_from_sentences():
    now = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
    assert parse_when("call me tomorrow at 10am please", now) == datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    assert parse_when("friday afternoon", now) == datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc)
    assert parse_when("next monday", now) == datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    assert parse_when("whenever works", now) is None


def test_follow_up_is_booked_only_after_yes(services, dispatcher, domain):
    write = services.post(f"{URL}/customers/QC-1001/follow-ups", status=201, json={"id": 3})
    base = {"account_number": "QC-1001", "follow_up_time": "2026-11-27T15:00:00+00:00", "follow_up_channel": "call",
            "quote": {"quote_id": "f"}}
    run(ActionSubmitFollowUp(), dispatcher, make_tracker("no", "deny", slots={**base, "confirm": False}), domain)
    assert len(write.calls) == 0
    run(ActionSubmitFollowUp(), dispatcher, make_tracker("yes", "affirm", slots={**base, "confirm": True}), domain)
    assert len(write.calls) == 1
    assert "Booked: a follow-up call for QC-1001 on Fri 27 Nov at 15:00 UTC" in texts(dispatcher)


def test_another_plan_named_with_the_own_plan_is_described_and_remembered(services, dispatcher, domain):
    """"what is the world unlimited plan" taken for show_plan: the customer's own plan, then World
    Unlimited from the catalog, which "put me on that plan" then means."""
    services.get(f"{URL}/customers/QC-1001/plan", json=CURRENT)
    tracker = make_tracker("what is the world unlimited plan", "show_plan", slots={"account_number": "QC-1001"},
                           entities=[{"entity": "plan", "value": "World Unlimited"}])
    events = run(ActionShowPlan(), dispatcher, tracker, domain)
    assert "Plan: Europe Saver at $15.00/month" in texts(dispatcher)
    assert "You're not on World Unlimited. World Unlimited (unlimited): $45.00/month." in texts(dispatcher)
    assert slots_of(events)["discussed"] == [{"kind": "plan", "names": ["World Unlimited"], "turn": 1}]


def test_the_own_plan_named_is_not_described_twice(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/plan", json=CURRENT)
    tracker = make_tracker("am i on europe saver", "show_plan", slots={"account_number": "QC-1001"},
                           entities=[{"entity": "plan", "value": "Europe Saver"}])
    assert run(ActionShowPlan(), dispatcher, tracker, domain) == []
    assert "You're not on" not in texts(dispatcher) and len(dispatcher.messages) == 1


def test_account_reads_explain_failures_and_anonymous_users_are_asked_for_an_account(services, dispatcher, domain):
    services.get(f"{URL}/customers/QC-1001/plan", status=503, body="down")
    run(ActionShowPlan(), dispatcher, make_tracker("my plan", "show_plan", slots={"account_number": "QC-1001"}), domain)
    assert "haven't changed anything" in texts(dispatcher)
    agent = CollectingDispatcher()
    from tests.assistant.unit.conftest import token
    run(ActionShowPlan(), agent, make_tracker("show the plan", "show_plan", metadata={"token": token("agent", "agent-ana")}), domain)
    assert agent.messages[0]["response"] == "utter_ask_account_number"


def test_yes_now_at_the_confirmation_keeps_the_yes(services, dispatcher, domain):
    quote = services.post(f"{URL}/customers/QC-1001/plan/quote", json=PLAN_QUOTE)
    tracker = make_tracker("yes do it now", "affirm", active_loop="change_plan_form", requested_slot="confirm",
                           slots={"account_number": "QC-1001", "plan": "World Unlimited", "change_when": "now",
                                  "quote": {**PLAN_QUOTE, "quote_id": "q"}},
                           set_this_turn={"confirm": True})
    slots = slots_of(run(ValidateChangePlanForm(), dispatcher, tracker, domain))
    assert slots.get("confirm", True) is True and "quote" not in slots
    assert len(quote.calls) == 0
