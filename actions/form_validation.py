"""What every form that touches an account shares: who may use it, which account, how to stop,
and how to explain the options after repeated answers that could not be used."""
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.api.services import ServicesRejected, ServicesUnavailable
from actions.identity import client_for, identity
from actions.replies import services_down
from actions.requests_queue import opening_queued_request
from actions.offload import in_thread

MAX_FAILED_ATTEMPTS = 2  # after this many unusable answers in a row, list the options


@in_thread
class AccountFormValidation(FormValidationAction):
    """Base for validate_<form> actions of forms that read or change a customer's account."""

    @abstractmethod
    def name(self) -> Text:
        """Subclasses name themselves (an abstract base is not registered as an action)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        if not identity(tracker).logged_in:
            # The login may have expired mid-form: end the form, changing nothing.
            dispatcher.utter_message(response="utter_login_required")
            return [SlotSet("confirm", False), SlotSet("requested_slot", None)]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: Dict) -> List[Text]:
        # "no" / "stop" anywhere in the form sets confirm to false: nothing more to ask. (Not the
        # "no" to the request before, when the next request of the same message opens its form.)
        if tracker.get_slot("confirm") is False and not opening_queued_request(tracker):
            return []
        return domain_slots

    def extract_confirm(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        return {"confirm": None} if opening_queued_request(tracker) else {}

    def validate_account_number(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        who = identity(tracker)
        if who.role == "customer":
            # Customers act on their own account only, whatever number they type.
            return {"account_number": who.subject}
        try:
            client_for(tracker).customer(str(value))
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"I couldn't open account {value}: {exc.message}")
            return {"account_number": None}
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {"account_number": value, "confirm": False}
        # What the agent asked for before naming the account is checked against it now.
        tracker.slots["account_number"] = value
        return {"account_number": value, **self.after_account(dispatcher, tracker, domain)}

    def after_account(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        """Slots to validate again once an agent has named the account (none by default)."""
        return {}

    def failed(self, tracker: Tracker, slot: str, **extra: Any) -> Dict[Text, Any]:
        """Reject an answer, counting the misses in a row."""
        return {slot: None, "failed_attempts": (tracker.get_slot("failed_attempts") or 0) + 1, **extra}

    @staticmethod
    def too_many_failures(tracker: Tracker) -> bool:
        return (tracker.get_slot("failed_attempts") or 0) + 1 >= MAX_FAILED_ATTEMPTS


def free_text(tracker: Tracker, requested: str, ignore_intents=("deny", "faq", "human_handoff", "affirm",
                                                                 "greet", "thank", "goodbye", "bot_challenge")) -> Optional[str]:
    """The raw answer to the slot being asked, when no entity was recognised in it."""
    if tracker.get_slot("requested_slot") != requested:
        return None
    if (tracker.latest_message.get("intent") or {}).get("name") in ignore_intents:
        return None
    text = (tracker.latest_message.get("text") or "").strip()
    if not text or text.startswith("/"):
        return None
    return text


def accepted_suggestion(tracker: Tracker, requested: str) -> Optional[str]:
    """A "yes" to "Did you mean X or Y?" about the slot being asked takes the first suggestion."""
    offered = tracker.get_slot("did_you_mean") or {}
    if tracker.get_slot("requested_slot") != requested or offered.get("slot") != requested:
        return None
    if (tracker.latest_message.get("intent") or {}).get("name") != "affirm":
        return None
    return (offered.get("names") or [None])[0]
