"""The add-on catalog as a customer browses it: what is offered, what each service does, its tiers,
prices and terms. General information, so no login is needed; every figure is read from
`GET /catalog/services`, never written into a reply by hand."""
import json
from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import catalog
from actions.api.services import ServicesClient, ServicesUnavailable
from actions.context import entity_values, referents, remember
from actions.formatting import bullet, money
from actions.offload import in_thread
from actions.replies import services_down


def describe(service: Dict) -> str:
    tiers = service.get("tiers") or []
    if len(tiers) == 1:
        price = f"{money(tiers[0]['monthly_price'])}/month"
    else:
        price = "tiers: " + ", ".join(f"{t['name']} {money(t['monthly_price'])}/month" for t in tiers)
    term = (f"minimum term {service['minimum_term_months']} months" if service.get("minimum_term_months")
            else "no minimum term")
    lines = [f"{service['name']}: {service.get('description', '').rstrip('.')}.",
             f"Price: {price}.",
             f"Activation: within {service.get('activation_hours')} hours; you're notified when it's live.",
             f"Terms: {term}. " + " ".join(service.get("terms") or [])]
    return "\n".join(lines)


def overview(services: List[Dict]) -> str:
    rows = []
    for s in services:
        cheapest = min((t["monthly_price"] for t in s.get("tiers") or []), key=float, default="0")
        rows.append(f"{s['name']}: {s.get('description', '').rstrip('.')} (from {money(cheapest)}/month)")
    return ("Our add-on services:\n" + bullet(rows)
            + "\nAsk me about any of them for its tiers, prices and terms, or say which one you'd like to add.")


@in_thread
class ActionDescribeCatalog(Action):
    def name(self) -> Text:
        return "action_describe_catalog"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        try:
            offered = catalog.services(ServicesClient())
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return []
        # "how much is it?" right after talking about a service is about that service
        names = entity_values(tracker, "service") or referents(tracker, "service")[:1]
        chosen = [s for s in (catalog.match(n, offered)[0] for n in dict.fromkeys(names)) if s]
        if not chosen:
            text = overview(offered)
            if (tracker.latest_message.get("intent") or {}).get("name") == "list_services":
                text += "\nTo see the add-ons on your own account, sign in and ask me again."
            dispatcher.utter_message(text=text,
                                     buttons=[{"title": s["name"], "payload": "/ask_catalog" + json.dumps({"service": s["name"]})} for s in offered])
            return [remember(tracker, service=[s["name"] for s in offered])]
        for service in chosen:
            dispatcher.utter_message(text=describe(service))
        return [remember(tracker, service=[s["name"] for s in chosen])]
