"""Two requests in one message ("drop hotspot boost and give me family locator"): each is carried
out in turn, with its own quote and its own yes, and none is dropped without saying so.

The NLU gives a multi-intent (`cancel_service+add_service`, Rasa's intent_split_symbol "+") or one
change intent naming several services. The message is cut where the first request's catalog
entities end, each part keeps its own entities, and the requests after the first wait in the slot
`pending_requests`. Each form's submit action starts the next one (`next_request`), after a "no"
as much as after a "yes".
"""
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import identity
from actions.offload import in_thread

FORMS = {"add_service": "add_service_form", "modify_service": "modify_service_form",
         "cancel_service": "cancel_service_form", "change_plan": "change_plan_form"}
SLOTS_OF = {"add_service": ("service", "tier"), "modify_service": ("service", "tier"),
            "cancel_service": ("service",), "change_plan": ("plan",)}
VERBS = {"add_service": "add {service}", "modify_service": "change the tier of {service}",
         "cancel_service": "cancel {service}", "change_plan": "move to {plan}"}
NEXT_CYCLE = re.compile(r"\b(next (billing )?(cycle|month|period|bill)|end of (the|this) (cycle|month)|start of next)\b", re.I)
NOW = re.compile(r"\b(now|today|from today|immediately|right away|straight away|asap)\b", re.I)


def _describe(request: Dict[str, Any]) -> str:
    return VERBS[request["intent"]].format(service=request.get("service") or "a service",
                                           plan=request.get("plan") or "another plan")


def split_requests(intent: str, text: str, entities: List[Dict]) -> List[Dict[str, Any]]:
    """The requests in a message, in order, each with the catalog entities said in its part."""
    intents = intent.split("+")
    ordered = sorted((e for e in entities if e.get("entity") in ("service", "tier", "plan")), key=lambda e: e["start"])
    if len(intents) == 1:
        services = [e for e in ordered if e["entity"] == "service"]
        if intents[0] not in ("cancel_service", "add_service") or len({e["value"] for e in services}) < 2:
            return []
        # "cancel hotspot boost and caller id": the same request for each service
        return [{"intent": intents[0], "service": value} for value in dict.fromkeys(e["value"] for e in services)]
    requests: List[Dict[str, Any]] = [{"intent": i, "_at": len(text)} for i in intents]
    for entity in ordered:
        kind = entity["entity"]
        # the first request still missing this kind takes it; a tier goes with the service before it
        wanting = [r for r in requests if kind in SLOTS_OF[r["intent"]] and kind not in r
                   and (kind != "tier" or "service" in r)]
        if wanting:
            wanting[0][kind] = entity["value"]
            wanting[0]["_at"] = min(wanting[0]["_at"], entity["start"])
    # in the order the message said them (the multi-intent's label may list them the other way)
    requests.sort(key=lambda r: r.pop("_at"))
    pieces = _cut_between(text, ordered, requests)
    for request, piece in zip(requests, pieces):
        if request["intent"] == "change_plan" and NEXT_CYCLE.search(piece):
            request["change_when"] = "next_cycle"
        elif request["intent"] == "change_plan" and NOW.search(piece):
            request["change_when"] = "now"
    return requests


def _cut_between(text: str, ordered: List[Dict], requests: List[Dict]) -> List[str]:
    """The message's text cut at the conjunction after the first request's last entity."""
    first_values = {v for k, v in requests[0].items() if k != "intent"}
    ends = [e["end"] for e in ordered if e["value"] in first_values]
    if not ends:
        return [text] * len(requests)
    boundary = max(ends)
    return [text[:boundary], text[boundary:]]


def start(request: Dict[str, Any], pending: List[Dict[str, Any]]) -> List[EventType]:
    """The events that open the form of `request` with what was said, keeping `pending` for later.
    `request_started` tells the form's validation what this request said: Rasa fills the form's
    slots again from the message when it activates the form, and the message named every request."""
    slots = [SlotSet(k, v) for k, v in request.items() if k != "intent"]
    return [SlotSet("pending_requests", pending or None), SlotSet("request_started", request), *slots,
            FollowupAction(FORMS[request["intent"]])]


def started_value(tracker: Tracker, slot: str) -> Any:
    """On the turn a queued request's form opens: what that request said for `slot` (None: nothing)."""
    request = tracker.get_slot("request_started") or {}
    if not request or tracker.get_slot("requested_slot") is not None:
        return None
    return request.get(slot)


def opening_queued_request(tracker: Tracker) -> bool:
    return bool(tracker.get_slot("request_started")) and tracker.get_slot("requested_slot") is None


def next_request(tracker: Tracker, dispatcher: CollectingDispatcher) -> List[EventType]:
    """Called by each form's submit action: start the next request of the message, if any."""
    pending = list(tracker.get_slot("pending_requests") or [])
    if not pending:
        return []
    request, rest = pending[0], pending[1:]
    dispatcher.utter_message(text=f"Next, your other request: {_describe(request)}.")
    return start(request, rest)


@in_thread
class ActionSplitRequests(Action):
    """First step of a message with several change requests."""

    def name(self) -> Text:
        return "action_split_requests"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        if not identity(tracker).logged_in:
            dispatcher.utter_message(response="utter_login_required")
            return []
        message = tracker.latest_message
        requests = split_requests((message.get("intent") or {}).get("name") or "", message.get("text") or "",
                                  message.get("entities") or [])
        if not requests:
            dispatcher.utter_message(text="I think you asked for more than one change. Could you tell me the first one?")
            return []
        listing = "; ".join(f"{n}. {_describe(r)}" for n, r in enumerate(requests, 1))
        dispatcher.utter_message(text=f"You asked for {len(requests)} things: {listing}. I'll take them one at a time, "
                                      "each with its own quote, and nothing changes without your yes.")
        return start(requests[0], requests[1:])


def first_of_several(tracker: Tracker) -> Optional[List[Dict[str, Any]]]:
    """For a single change intent naming several services: the requests, else None."""
    message = tracker.latest_message
    intent = (message.get("intent") or {}).get("name") or ""
    if "+" in intent:
        return None  # a multi-intent is split by action_split_requests before any form starts
    requests = split_requests(intent, message.get("text") or "", message.get("entities") or [])
    return requests if len(requests) > 1 else None
