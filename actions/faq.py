"""FAQ answers picked by the ResponseSelector. Most are fixed texts from the knowledge base; the
ones whose facts live in the catalog or depend on the customer are completed from the services."""
from typing import Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import catalog
from actions.api.services import ServicesClient, ServicesRejected, ServicesUnavailable
from actions.context import entity_values, remember
from actions.formatting import bullet, cycle_text, day, money, named, plan_summary
from actions.identity import acting_account, client_for
from actions.offload import in_thread


def faq_key(tracker: Tracker) -> Optional[str]:
    selected = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    return (selected.get("response") or {}).get("intent_response_key")


@in_thread
class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        key = faq_key(tracker)
        if not key:
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response=f"utter_{key}")
        completion = {"faq/change_fees": fees, "faq/activation_time": activation, "faq/billing_cycle": billing_cycle,
                      "faq/plan_types": plan_types, "faq/plan_restrictions": restrictions}.get(key)
        if completion:
            try:
                extra = completion(tracker)
            except (ServicesUnavailable, ServicesRejected):
                extra = None  # the fixed answer above still holds; the details can wait
            if extra:
                dispatcher.utter_message(text=extra)
        # "what is the americas saver plan" then "put me on that plan": what the question named
        named_here = {kind: entity_values(tracker, kind) for kind in ("plan", "service")}
        return [remember(tracker, **named_here)] if any(named_here.values()) else []


def fees(tracker: Tracker) -> Optional[str]:
    client = client_for(tracker)
    offered = catalog.services(client)
    asked = [s for s in offered if s["name"] in entity_values(tracker, "service")]
    account = acting_account(tracker)
    if not asked and account:
        mine = {s["service"]["code"] for s in client.subscriptions(account) if s["status"] != "cancelled"}
        asked = [s for s in offered if s["code"] in mine]
    lines = [f"{s['name']}: " + " ".join(s.get("terms") or ["no fees."]) for s in (asked or offered)]
    text = "Fees by service:\n" + bullet(lines)
    if account:
        for service in asked:
            try:
                quote = client.quote_subscription(account, "cancel", service["code"])
            except ServicesRejected:
                continue  # not on this account
            fee = sum(float(f["amount"]) for f in quote.get("fees") or [])
            text += (f"\nFor account {account}, cancelling {service['name']} today would mean "
                     f"{'a ' + money(fee) + ' fee' if fee else 'no fee'} and a refund of {money(quote.get('refund'))}.")
    return text


def activation(tracker: Tracker) -> Optional[str]:
    """The named services' own activation times (the fixed answer gives the usual 24 hours)."""
    asked = [s for s in catalog.services(client_for(tracker)) if s["name"] in entity_values(tracker, "service")]
    return "\n".join(f"{s['name']}: active within {s['activation_hours']} hours of the order; "
                     "you're notified when it's live." for s in asked) or None


def billing_cycle(tracker: Tracker) -> Optional[str]:
    account = acting_account(tracker)
    if not account:
        return None
    customer = client_for(tracker).customer(account)
    return (f"For account {account}, the current billing cycle runs {cycle_text(customer.get('cycle'))}; "
            f"the next one starts the day after {day((customer.get('cycle') or {}).get('end'))}.")


def plan_types(tracker: Tracker) -> Optional[str]:
    """Every plan, or only the ones the question named ("what is the americas saver plan")."""
    plans = catalog.plans(ServicesClient())
    plans = [p for p in plans if p["name"] in entity_values(tracker, "plan")] or plans
    return "Our plans:\n" + bullet([plan_summary(p) for p in plans])


def restrictions(tracker: Tracker) -> Optional[str]:
    plans = catalog.plans(ServicesClient())
    wanted = entity_values(tracker, "plan")
    account = acting_account(tracker)
    if not wanted and account:
        wanted = [named(client_for(tracker).plan(account)["plan"])]
    chosen = [p for p in plans if p["name"] in wanted] or plans
    return "\n".join(f"{p['name']}:\n" + bullet(p.get("restrictions") or ["No restrictions."]) for p in chosen)
