"""Add-on services: the add / modify / cancel forms, their questions, the writes, and the list."""
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import catalog
from actions.api.services import ServicesRejected, ServicesUnavailable
from actions.context import outcome, remember, the_referent, referents
from actions.form_validation import AccountFormValidation, accepted_suggestion, free_text
from actions.formatting import bullet, day, money, moment, named, net_line, points_to_tell
from actions.identity import acting_account, client_for, identity
from actions.idempotency import idempotency_key, new_quote_id
from actions.replies import read_account, services_down, write_failed
from actions.requests_queue import first_of_several, next_request, opening_queued_request, started_value
from actions.offload import in_thread

ACTIVE = ("active", "pending_activation")
FORM_SLOTS = ("service", "tier", "confirm", "quote", "failed_attempts", "did_you_mean", "request_started")


def current_subscriptions(tracker: Tracker) -> List[Dict]:
    subs = client_for(tracker).subscriptions(acting_account(tracker))
    return [s for s in subs if s.get("status") in ACTIVE]


def describe_subscription(sub: Dict) -> str:
    status = "active" if sub["status"] == "active" else f"pending activation (live by {moment(sub.get('activates_at'))})"
    return f"{named(sub['service'])} ({named(sub['tier'])}, {money(sub.get('monthly_price'))}/month): {status}"


class _ServiceFormValidation(AccountFormValidation):
    operation = "add"  # "add", "modify" or "cancel"

    def extract_service(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if opening_queued_request(tracker):
            return {"service": started_value(tracker, "service")}
        several = first_of_several(tracker) if tracker.get_slot("requested_slot") is None else None
        if several:
            return {"service": several[0]["service"]}  # the others wait their turn (validate_service)
        if "service" in tracker.slots_to_validate():
            return {}
        text = free_text(tracker, "service")
        if text:
            return {"service": text}
        suggestion = accepted_suggestion(tracker, "service")
        if suggestion:
            return {"service": suggestion}
        # "cancel it" / "sign me up for that one" right after talking about one service
        if not tracker.get_slot("service") and tracker.get_slot("requested_slot") is None:
            referent = the_referent(tracker, "service")
            if referent:
                return {"service": referent}
        return {}

    def extract_tier(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if opening_queued_request(tracker):
            return {"tier": started_value(tracker, "tier")}
        if "tier" in tracker.slots_to_validate():
            return {}
        text = free_text(tracker, "tier")
        if text:
            return {"tier": text}
        suggestion = accepted_suggestion(tracker, "tier")
        return {"tier": suggestion} if suggestion else {}

    def after_account(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        service = tracker.get_slot("service")
        return self.validate_service(service, dispatcher, tracker, domain) if service else {}

    def validate_service(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if value is None:
            return {"service": None}  # not said (a queued request without it): asked next
        several = first_of_several(tracker) if tracker.get_slot("requested_slot") is None else None
        if several and not tracker.get_slot("pending_requests"):
            # "cancel hotspot boost and caller id": one at a time, each with its own quote
            dispatcher.utter_message(text=f"That's {len(several)} services: " + ", ".join(r["service"] for r in several)
                                          + ". I'll take them one at a time, each with its own quote.")
            tracker.slots["pending_requests"] = several[1:]
            return {"pending_requests": several[1:], **self.validate_service(several[0]["service"], dispatcher, tracker, domain)}
        client = client_for(tracker)
        try:
            offered = catalog.services(client)
            service, suggestions = catalog.match(value, offered, "service")
            if not service:
                return self._unknown_service(value, suggestions, offered, dispatcher, tracker)
            if not acting_account(tracker):
                return {"service": service["name"]}  # checked against the account once an agent names it
            subscribed = {s["service"]["code"]: s for s in current_subscriptions(tracker)}
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"service": None, "confirm": False}
        existing = subscribed.get(service["code"])
        if self.operation == "add" and existing:
            dispatcher.utter_message(text=f"The account already has {describe_subscription(existing)}. "
                                          f"To switch its tier, say \"change my {service['name']} tier\"; nothing was changed.")
            return {"service": None, "confirm": False}
        if self.operation != "add" and not existing:
            have = "; ".join(describe_subscription(s) for s in subscribed.values()) or "no add-on services"
            dispatcher.utter_message(text=f"{service['name']} isn't on the account, so there's nothing to "
                                          f"{'change' if self.operation == 'modify' else 'cancel'}. The account has: {have}.")
            return self.failed(tracker, "service")
        slots: Dict[Text, Any] = {"service": service["name"], "failed_attempts": 0, "did_you_mean": None}
        tiers = service.get("tiers") or []
        if self.operation == "cancel":
            return {**slots, **self._quote(dispatcher, tracker, service["name"], None)}
        if len(tiers) == 1:
            if self.operation == "modify":
                dispatcher.utter_message(text=f"{service['name']} has only one tier, so there is nothing to change.")
                return {"service": None, "confirm": False}
            slots["tier"] = tiers[0]["name"]
        # A tier given in this same message is validated next (domain order); one kept from an
        # earlier answer must be checked against this service now.
        if not slots.get("tier") and not tracker.get_slot("tier"):
            # "add family locator for up to 6", "sign me up for the middle tier"
            said = catalog.tier_in_text(tracker.latest_message.get("text") or "", tiers)
            if said:
                slots["tier"] = said["name"]
        tier = slots.get("tier") or tracker.get_slot("tier")
        if tier and ("tier" in slots or "tier" not in tracker.slots_to_validate()):
            tracker.slots.update(slots)
            slots.update(self.validate_tier(tier, dispatcher, tracker, domain))
        return slots

    def validate_tier(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if value is None:
            return {"tier": None}
        service_name = tracker.get_slot("service")
        if not service_name or not acting_account(tracker):
            return {"tier": value}  # checked once the service and the account are known
        client = client_for(tracker)
        try:
            service, _ = catalog.match(service_name, catalog.services(client), "service")
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"tier": None, "confirm": False}
        if not service:
            return {"tier": value}
        tier, suggestions = catalog.match(value, service["tiers"])
        if not tier:
            options = ", ".join(f"{t['name']} ({money(t['monthly_price'])}/month)" for t in service["tiers"])
            hint = f" Did you mean {' or '.join(suggestions)}?" if suggestions else ""
            dispatcher.utter_message(text=f"{service['name']} has no tier called \"{value}\".{hint} The tiers are: {options}.")
            return self.failed(tracker, "tier", did_you_mean={"slot": "tier", "names": suggestions} if suggestions else None)
        return {"tier": tier["name"], "failed_attempts": 0, "did_you_mean": None,
                **self._quote(dispatcher, tracker, service["name"], tier["name"])}

    def _quote(self, dispatcher: CollectingDispatcher, tracker: Tracker, service: str, tier: Optional[str]) -> Dict[Text, Any]:
        shown = tracker.get_slot("quote") or {}
        if named(shown.get("service")) == service and (tier is None or named(shown.get("to_tier")) == tier):
            return {}  # "yes, premium" repeats what was quoted: keep the quote and the yes
        try:
            quote = client_for(tracker).quote_subscription(acting_account(tracker), self.operation, service, tier)
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"{exc.message} Nothing was changed.")
            slot = "tier" if tier and exc.code in ("same_tier", "unknown_tier") else "service"
            return {slot: None, "quote": None}
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"quote": None, "confirm": False}
        # A new quote needs a new "yes": a correction ("make it premium") re-asks the question.
        return {"quote": {**quote, "quote_id": new_quote_id()}, "confirm": None}

    def _unknown_service(self, value: Any, suggestions: List[str], offered: List[Dict],
                         dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        if suggestions:
            dispatcher.utter_message(text=f"I don't know a service called \"{value}\". Did you mean {' or '.join(suggestions)}?",
                                     buttons=[{"title": s, "payload": s} for s in suggestions])
        elif self.too_many_failures(tracker):
            dispatcher.utter_message(text="Let me list them. Our add-on services are: "
                                          + ", ".join(s["name"] for s in offered)
                                          + ". Pick one, or say \"stop\" to leave this without changing anything.",
                                     buttons=[{"title": s["name"], "payload": s["name"]} for s in offered])
        else:
            dispatcher.utter_message(text=f"I don't know a service called \"{value}\".")
        return self.failed(tracker, "service", did_you_mean={"slot": "service", "names": suggestions} if suggestions else None)


class ValidateAddServiceForm(_ServiceFormValidation):
    operation = "add"

    def name(self) -> Text:
        return "validate_add_service_form"


class ValidateModifyServiceForm(_ServiceFormValidation):
    operation = "modify"

    def name(self) -> Text:
        return "validate_modify_service_form"


class ValidateCancelServiceForm(_ServiceFormValidation):
    operation = "cancel"

    def name(self) -> Text:
        return "validate_cancel_service_form"


@in_thread
class ActionAskService(Action):
    """Which service? Offers the catalog when adding, the account's own services otherwise."""

    def name(self) -> Text:
        return "action_ask_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        form = (tracker.active_loop or {}).get("name")
        verb = {"add_service_form": "add", "modify_service_form": "change", "cancel_service_form": "cancel"}.get(form, "use")
        try:
            if form == "add_service_form":
                names = [s["name"] for s in catalog.services(client_for(tracker))]
            else:
                names = [named(s["service"]) for s in current_subscriptions(tracker)]
        except (ServicesUnavailable, ServicesRejected):
            names = []
        discussed = [n for n in referents(tracker, "service") if n in names or not names]
        if len(discussed) > 1 and tracker.get_slot("requested_slot") != "service":
            # "sign me up for that one" after talking about several: which of those?
            dispatcher.utter_message(text=f"Which one would you like to {verb}: {' or '.join(discussed)}?",
                                     buttons=[{"title": n, "payload": n} for n in discussed])
            return []
        if form != "add_service_form" and not names and acting_account(tracker):
            dispatcher.utter_message(text="There are no add-on services on the account right now, so there's nothing to "
                                          f"{verb}.")
            return [SlotSet("confirm", False), SlotSet("requested_slot", None)]
        dispatcher.utter_message(text=f"Which service would you like to {verb}?",
                                 buttons=[{"title": n, "payload": n} for n in names])
        return []


@in_thread
class ActionAskTier(Action):
    def name(self) -> Text:
        return "action_ask_tier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        service_name = tracker.get_slot("service")
        try:
            service, _ = catalog.match(service_name, catalog.services(client_for(tracker)))
        except ServicesUnavailable:
            service = None
        if not service:
            dispatcher.utter_message(text=f"Which tier of {service_name} would you like?")
            return []
        current = ""
        if (tracker.active_loop or {}).get("name") == "modify_service_form":
            subs = {s["service"]["code"]: s for s in current_subscriptions(tracker)}
            if service["code"] in subs:
                current = f" It's on {named(subs[service['code']]['tier'])} now."
        dispatcher.utter_message(
            text=f"Which tier of {service['name']}?{current} "
                 + ", ".join(f"{t['name']}: {money(t['monthly_price'])}/month" for t in service["tiers"]) + ".",
            buttons=[{"title": f"{t['name']} ({money(t['monthly_price'])})", "payload": t["name"]} for t in service["tiers"]])
        return []


@in_thread
class _SubmitServiceChange(Action, ABC):
    operation = "add"

    @abstractmethod
    def name(self) -> Text:
        """Subclasses name themselves (an abstract base is not registered as an action)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        reset = [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("failed_attempts", 0)]
        events = self.submit(dispatcher, tracker)
        return reset + events + next_request(tracker, dispatcher)

    def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        quote = tracker.get_slot("quote")
        if tracker.get_slot("confirm") is not True or not quote:
            if (tracker.latest_message.get("intent") or {}).get("name") == "deny":
                dispatcher.utter_message(response="utter_nothing_changed")
            return []
        account, service, tier = acting_account(tracker), tracker.get_slot("service"), tracker.get_slot("tier")
        request = {"account": account, "service": service, "tier": tier if self.operation != "cancel" else None}
        key = idempotency_key(tracker, self.operation, request)
        client = client_for(tracker)
        try:
            if self.operation == "add":
                result = client.add_service(account, service, tier, key)
            elif self.operation == "modify":
                result = client.modify_service(account, service, tier, key)
            else:
                result = client.cancel_service(account, service, key)
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"The change was refused: {exc.message} Nothing was changed.")
            return []
        except ServicesUnavailable as exc:
            dispatcher.utter_message(text=write_failed(exc))
            return []
        done = self.outcome(result, identity(tracker).role == "agent")
        dispatcher.utter_message(text=done)
        return [outcome(done.splitlines()[0]), remember(tracker, service=[service])]

    def outcome(self, result: Dict, for_agent: bool) -> str:
        sub, quote = result.get("subscription") or {}, result.get("quote") or {}
        name, tier = named(sub.get("service")), named(sub.get("tier"))
        if self.operation == "add":
            lines = [f"Done: {name} ({tier}) is added and pending activation. It will be live by "
                     f"{moment(sub.get('activates_at'))}, and a notification is sent as soon as it is."]
        elif self.operation == "modify":
            lines = [f"Done: {name} is now on {tier} at {money(sub.get('monthly_price'))}/month."]
        else:
            lines = [f"Done: {name} is cancelled as of {day(sub.get('cancelled_on'))}."]
        lines.append(net_line(quote.get("net_adjustment")))
        points = quote.get("tell_customer") or []
        if points:
            lines.append(points_to_tell(points, for_agent))
        return "\n".join(lines)


class ActionSubmitAddService(_SubmitServiceChange):
    operation = "add"

    def name(self) -> Text:
        return "action_submit_add_service"


class ActionSubmitModifyService(_SubmitServiceChange):
    operation = "modify"

    def name(self) -> Text:
        return "action_submit_modify_service"


class ActionSubmitCancelService(_SubmitServiceChange):
    operation = "cancel"

    def name(self) -> Text:
        return "action_submit_cancel_service"


@in_thread
class ActionListServices(Action):
    def name(self) -> Text:
        return "action_list_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        account = acting_account(tracker)
        subs = read_account(dispatcher, tracker, lambda client: current_subscriptions(tracker))
        if subs is None:
            return []
        if not subs:
            dispatcher.utter_message(text=f"Account {account} has no add-on services right now.")
        else:
            dispatcher.utter_message(text=f"Add-on services on {account}:\n" + bullet([describe_subscription(s) for s in subs]))
        return []
