"""International calling plans: show the plan and usage, rates, coverage, recommendation, and the
change-plan form with its pro-rated quote."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import catalog
from bot.names import default_matcher
from actions.api.services import ServicesClient, ServicesRejected, ServicesUnavailable
from actions.context import entity_values, outcome, referents, remember, the_referent
from actions.form_validation import AccountFormValidation, accepted_suggestion, free_text
from actions.formatting import bullet, cycle_text, day, money, named, net_line, plan_summary, points_to_tell
from actions.identity import acting_account, client_for, identity
from actions.idempotency import idempotency_key, new_quote_id
from actions.replies import read_account, services_down, write_failed
from actions.requests_queue import next_request, opening_queued_request, started_value
from actions.offload import in_thread

NOW_WORDS = re.compile(r"\b(now|today|immediately|right away|asap|straight away|at once)\b", re.I)
LATER_WORDS = re.compile(r"\b(next|end of|later|new cycle|start of)\b", re.I)


def plan_buttons(plans: List[Dict]) -> List[Dict[str, str]]:
    return [{"title": f"{p['name']} ({money(p['monthly_fee'])}/month)", "payload": p["name"]} for p in plans]


class ValidateChangePlanForm(AccountFormValidation):
    def name(self) -> Text:
        return "validate_change_plan_form"

    def extract_plan(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if opening_queued_request(tracker):
            return {"plan": started_value(tracker, "plan")}
        if "plan" in tracker.slots_to_validate():
            return {}
        text = free_text(tracker, "plan") or accepted_suggestion(tracker, "plan")
        if text:
            return {"plan": text}
        # "put me on that plan" right after a recommendation or a question about one plan
        if not tracker.get_slot("plan") and tracker.get_slot("requested_slot") is None:
            referent = the_referent(tracker, "plan")
            if referent:
                return {"plan": referent}
        return {}

    def after_account(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        plan = tracker.get_slot("plan")
        return self.validate_plan(plan, dispatcher, tracker, domain) if plan else {}

    def extract_change_when(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if opening_queued_request(tracker):
            return {"change_when": started_value(tracker, "change_when")}
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("requested_slot") not in (None, "change_when", "confirm", "plan") and not tracker.get_slot("plan"):
            return {}
        if LATER_WORDS.search(text):
            return {"change_when": "next_cycle"}
        if NOW_WORDS.search(text):
            return {"change_when": "now"}
        return {}

    def validate_plan(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if value is None:
            return {"plan": None}
        client = client_for(tracker)
        try:
            plans = catalog.plans(client)
            plan, suggestions = catalog.match(value, plans, "plan")
            if plan and not acting_account(tracker):
                return {"plan": plan["name"]}  # checked against the account once an agent names it
            current = client.plan(acting_account(tracker))["plan"] if plan else {}
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"plan": None, "confirm": False}
        if not plan:
            hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
            listing = "" if suggestions and not self.too_many_failures(tracker) else \
                " Our plans are: " + ", ".join(p["name"] for p in plans) + "."
            dispatcher.utter_message(text=f"I don't know a plan called \"{value}\".{hint}{listing}",
                                     buttons=plan_buttons([p for p in plans if not suggestions or p["name"] in suggestions]))
            return self.failed(tracker, "plan", did_you_mean={"slot": "plan", "names": suggestions} if suggestions else None)
        if plan["code"] == current.get("code"):
            dispatcher.utter_message(text=f"The account is already on {plan['name']}, so there's nothing to change.")
            return {"plan": None, "confirm": False}
        slots = {"plan": plan["name"], "failed_attempts": 0, "did_you_mean": None}
        when = tracker.get_slot("change_when")
        if when and "change_when" not in tracker.slots_to_validate():
            tracker.slots.update(slots)
            slots.update(self.validate_change_when(when, dispatcher, tracker, domain))
        elif not when:
            # what the customer would move to, before they choose when (the quote shows it otherwise)
            dispatcher.utter_message(text=plan_summary(plan))
        return slots

    def validate_change_when(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if value is None:
            return {"change_when": None}
        plan = tracker.get_slot("plan")
        if not plan or not acting_account(tracker):
            return {"change_when": value}  # quoted once the plan and (for an agent) the account are known
        shown = tracker.get_slot("quote") or {}
        if shown.get("when") == value and named(shown.get("to_plan")) == plan:
            return {"change_when": value}  # "yes, now" repeats what was quoted: keep the quote and the yes
        try:
            quote = client_for(tracker).quote_plan(acting_account(tracker), plan, value)
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"{exc.message} Nothing was changed.")
            return {"plan": None, "quote": None}
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"confirm": False, "quote": None}
        return {"change_when": value, "quote": {**quote, "quote_id": new_quote_id()}, "confirm": None}


@in_thread
class ActionAskPlan(Action):
    def name(self) -> Text:
        return "action_ask_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        try:
            plans = catalog.plans(client_for(tracker))
        except ServicesUnavailable:
            dispatcher.utter_message(text="Which plan would you like to switch to?")
            return []
        dispatcher.utter_message(text="Which plan would you like to switch to? "
                                      "(Not sure? Say \"recommend a plan\" and I'll compare them for you.)",
                                 buttons=plan_buttons(plans))
        return []


@in_thread
class ActionSubmitChangePlan(Action):
    def name(self) -> Text:
        return "action_submit_change_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        reset = [SlotSet(s, None) for s in ("plan", "change_when", "confirm", "quote", "did_you_mean", "request_started")] + \
            [SlotSet("failed_attempts", 0)]
        # with another request of the same message waiting, it comes before the follow-up offer
        events = self.submit(dispatcher, tracker, offer_follow_up=not tracker.get_slot("pending_requests"))
        return reset + events + next_request(tracker, dispatcher)

    def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker, offer_follow_up: bool) -> List[EventType]:
        quote = tracker.get_slot("quote")
        if tracker.get_slot("confirm") is not True or not quote:
            if (tracker.latest_message.get("intent") or {}).get("name") == "deny":
                dispatcher.utter_message(response="utter_nothing_changed")
            return [SlotSet("offer_follow_up", False)]
        account, plan, when = acting_account(tracker), tracker.get_slot("plan"), tracker.get_slot("change_when")
        key = idempotency_key(tracker, "change_plan", {"account": account, "plan": plan, "when": when})
        try:
            result = client_for(tracker).change_plan(account, plan, when, key)
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"The plan change was refused: {exc.message} Nothing was changed.")
            return [SlotSet("offer_follow_up", False)]
        except ServicesUnavailable as exc:
            dispatcher.utter_message(text=write_failed(exc))
            return [SlotSet("offer_follow_up", False)]
        confirmed = result.get("quote") or quote
        lines = [f"Done: account {account} moves to {named(confirmed.get('to_plan'))} "
                 f"on {day(confirmed.get('effective_date'))}.", net_line(confirmed.get("net_adjustment"))]
        points = confirmed.get("tell_customer") or []
        if points:
            lines.append(points_to_tell(points, identity(tracker).role == "agent"))
        dispatcher.utter_message(text="\n".join(lines))
        if offer_follow_up:
            dispatcher.utter_message(response="utter_offer_follow_up")
        return [SlotSet("offer_follow_up", offer_follow_up), outcome(lines[0]),
                remember(tracker, plan=[named(confirmed.get("to_plan"))])]


@in_thread
class ActionShowPlan(Action):
    def name(self) -> Text:
        return "action_show_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        account = acting_account(tracker)
        info = read_account(dispatcher, tracker, lambda client: client.plan(account))
        if info is None:
            return []
        plan, usage = info.get("plan") or {}, info.get("usage") or {}
        lines = [f"Plan: {named(plan)} at {money(plan.get('monthly_fee'))}/month (since {day(plan.get('since'))}).",
                 f"Billing cycle: {cycle_text(info.get('cycle'))}.",
                 usage_line(usage)]
        lines += [f"Restriction: {r}" for r in info.get("restrictions") or []]
        history = (info.get("billing_history") or [])[:5]
        text = f"Account {account}:\n{bullet(lines)}"
        if history:
            text += "\nRecent billing:\n" + bullet([f"{day(e.get('date'))}: {e.get('description')} {money(e.get('amount'))}"
                                                     for e in history])
        dispatcher.utter_message(text=text)
        # "what is the europe saver plan" / "am i on europe saver": another plan named is described
        # too, and becomes what "put me on that plan" refers to
        others = [n for n in entity_values(tracker, "plan") if n != named(plan)]
        if not others:
            return []
        try:
            described = [p for p in catalog.plans(ServicesClient()) if p["name"] in others]
        except ServicesUnavailable:
            return []  # their own plan is answered; the other can wait
        for other in described:
            dispatcher.utter_message(text=f"You're not on {other['name']}. " + plan_summary(other))
        return [remember(tracker, plan=[p["name"] for p in described])] if described else []


def usage_line(usage: Dict) -> str:
    allowance = usage.get("included_minutes")
    left = usage.get("minutes_remaining")
    line = f"International usage this cycle: {usage.get('minutes', 0)} minutes, {money(usage.get('cost'))}"
    if allowance:
        line += f" ({left} of {allowance} included minutes left)"
    return line + "."


@in_thread
class ActionShowUsage(Action):
    def name(self) -> Text:
        return "action_show_usage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        account = acting_account(tracker)
        info = read_account(dispatcher, tracker, lambda client: client.plan(account))
        if info is None:
            return []
        usage = info.get("usage") or {}
        rows = [f"{named(r.get('country'))}: {r.get('minutes')} min, {money(r.get('cost'))}" for r in usage.get("by_country") or []]
        text = f"{usage_line(usage)}\nCycle: {cycle_text(info.get('cycle'))}."
        if rows:
            text += "\nBy country:\n" + bullet(rows)
        text += "\nThe full history is under the \"Usage\" tab of your QuickConnect online account."
        dispatcher.utter_message(text=text)
        return []


def plans_named_by_a_word(words: List[str], plan_names: List[str]) -> List[str]:
    """"and on the unlimited one?": a word the NLU took for an add-on's tier ("Unlimited") is, in a
    question about call rates, the plan whose name holds it (World Unlimited), when only one does."""
    found = [p for w in words for p in plan_names if w.lower() in p.lower().split()]
    return found if len(set(found)) == 1 else []


@in_thread
class ActionCheckRates(Action):
    def name(self) -> Text:
        return "action_check_rates"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        # "and on the unlimited one?" right after rates for a country: same country, that plan
        countries = entity_values(tracker, "country") or referents(tracker, "country")
        plans = entity_values(tracker, "plan")
        if not countries:
            dispatcher.utter_message(text="Which country would you like the calling rates for?")
            return [remember(tracker, plan=plans)] if plans else []
        client = ServicesClient()
        for country in dict.fromkeys(countries):
            try:
                info = client.rates(country)
            except ServicesRejected as exc:
                dispatcher.utter_message(text=exc.message)
                continue
            except ServicesUnavailable:
                dispatcher.utter_message(text=services_down())
                return []
            where = info["country"]["name"]
            if info.get("blocked"):
                dispatcher.utter_message(text=f"Calls to {where} are restricted: no QuickConnect plan can call it.")
                continue
            rates = info.get("rates") or []
            plans = plans or plans_named_by_a_word(entity_values(tracker, "tier"), [named(r["plan"]) for r in rates])
            rows = [f"{named(r['plan'])}: {money(r['per_minute'])}/min" + (f" ({r['note']})" if r.get("note") else "")
                    for r in rates if not plans or named(r["plan"]) in plans]
            dispatcher.utter_message(text=f"Calling {where} ({info['country'].get('region')}):\n" + bullet(rows))
        return [SlotSet("country", None), remember(tracker, country=countries, plan=plans)]


@in_thread
class ActionCheckCoverage(Action):
    def name(self) -> Text:
        return "action_check_coverage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        countries = entity_values(tracker, "country")
        plan_names = entity_values(tracker, "plan") or referents(tracker, "plan")[:1]
        asked_plans = list(plan_names)
        client = client_for(tracker)
        try:
            if not plan_names and acting_account(tracker):
                plan_names = [named(client.plan(acting_account(tracker))["plan"])]
            if countries:
                for country in dict.fromkeys(countries):
                    info = ServicesClient().rates(country)
                    rows = [r for r in info.get("rates") or [] if not plan_names or named(r["plan"]) in plan_names]
                    where = info["country"]["name"]
                    if info.get("blocked"):
                        dispatcher.utter_message(text=f"No plan covers {where}: calls there are restricted.")
                        continue
                    lines = [f"{named(r['plan'])}: " + (f"included ({r['note']})" if r.get("included_in_plan") and r.get("note")
                                                         else "included" if r.get("included_in_plan")
                                                         else f"not included, {money(r['per_minute'])}/min") for r in rows]
                    dispatcher.utter_message(text=f"Coverage for {where}:\n" + bullet(lines))
            elif plan_names:
                for plan in plan_names:
                    info = ServicesClient().coverage(plan)
                    dispatcher.utter_message(text=f"{named(info['plan'])} covers {info.get('countries_covered')} countries"
                                                  + (f" ({', '.join(info['regions'])})" if info.get("regions") else "")
                                                  + f". {info.get('note', '')}".rstrip())
            else:
                dispatcher.utter_message(text="Which country (or plan) would you like me to check the coverage for?")
        except ServicesRejected as exc:
            dispatcher.utter_message(text=exc.message)
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
        return [SlotSet("country", None), remember(tracker, plan=asked_plans, country=countries)]


MINUTES = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h\b|minutes?|mins?)?", re.I)


@in_thread
class ValidateRecommendPlanForm(FormValidationAction):
    """Works without a login too: the saving against a current plan is shown only when known."""

    def name(self) -> Text:
        return "validate_recommend_plan_form"

    def extract_countries(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text = free_text(tracker, "countries")
        if not text or "countries" in tracker.slots_to_validate():
            return {}
        return {"countries": [part.strip() for part in re.split(r",|\band\b|&|/", text) if part.strip()]}

    def extract_monthly_minutes(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        asked = tracker.get_slot("requested_slot")
        if asked not in ("monthly_minutes", None) or "monthly_minutes" in tracker.slots_to_validate():
            return {}
        text = tracker.latest_message.get("text") or ""
        # said up front ("... for roughly 400 minutes monthly"), a number counts only with its unit
        found = next((m for m in MINUTES.finditer(text) if m.group(2) or asked), None)
        if not found:
            return {}
        digits = found.group(1)
        number = float(digits.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", digits) else digits.replace(",", "."))
        if (found.group(2) or "").lower().startswith("h"):
            number *= 60
        return {"monthly_minutes": number}

    def validate_countries(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        names = value if isinstance(value, list) else [value]
        client, resolved, unknown, names_matcher = ServicesClient(), [], [], default_matcher()
        try:
            for name in names:
                typed = names_matcher.best(str(name), "country")   # "germny", "s korea": the NLU's matcher
                try:
                    resolved.append(client.resolve_country(typed[0] if typed else str(name))["name"])
                except ServicesRejected:
                    unknown.append(str(name))
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"countries": None, "requested_slot": None}
        if unknown:
            dispatcher.utter_message(text=f"I don't recognise {', '.join(unknown)} as a country.")
        return {"countries": list(dict.fromkeys(resolved)) or None}

    def validate_monthly_minutes(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        try:
            minutes = float(value)
        except (TypeError, ValueError):
            minutes = -1
        if not 0 < minutes <= 44640:  # a 31-day month has 44,640 minutes
            dispatcher.utter_message(text="Please give a number of minutes per month, like 300.")
            return {"monthly_minutes": None}
        return {"monthly_minutes": round(minutes)}


@in_thread
class ActionRecommendPlan(Action):
    def name(self) -> Text:
        return "action_recommend_plan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        reset = [SlotSet("countries", None), SlotSet("monthly_minutes", None)]
        countries, minutes = tracker.get_slot("countries"), tracker.get_slot("monthly_minutes")
        if not countries or not minutes:
            return reset
        try:
            result = client_for(tracker).recommendations(countries, int(minutes), acting_account(tracker))
        except ServicesRejected as exc:
            dispatcher.utter_message(text=exc.message)
            return reset
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return reset
        options = result.get("options") or []
        current = result.get("current_plan")
        lines = []
        for option in options:
            line = f"{named(option['plan'])}: {money(option['monthly_cost'])}/month"
            saving = option.get("saving")
            if current and saving is not None and float(saving) > 0:
                line += f", saves {money(saving)}/month"
            if current and named(option["plan"]) == named(current):
                line += " (your current plan)"
            lines.append(line)
        head = f"For about {int(minutes)} minutes a month to {', '.join(countries)}, here's what each plan would cost:"
        if current:
            head += f" (now on {named(current)}: {money(result.get('current_cost'))}/month)"
        best = options[0] if options else None
        text = head + "\n" + bullet(lines)
        buttons = []
        if best and (not current or named(best["plan"]) != named(current)):
            text += f"\nThe best fit is {named(best['plan'])}. Would you like to switch?"
            buttons = [{"title": f"Switch to {named(best['plan'])}", "payload": f"switch my plan to {named(best['plan'])}"}]
        dispatcher.utter_message(text=text, buttons=buttons)
        return reset + ([remember(tracker, plan=[named(best["plan"])])] if best else [])
