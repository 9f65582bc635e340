"""The short turns people type between requests: a stray "yes" or "ok", "what did you just change?",
and an agent's bare account number answering "which account?"."""
from typing import Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.context import the_referent
from actions.identity import identity
from actions.offload import in_thread, run_inline
from actions.plans import ActionShowPlan, ActionShowUsage
from actions.subscriptions import ActionListServices

ACCOUNT_READS = {"show_plan": ActionShowPlan, "show_usage": ActionShowUsage, "list_services": ActionListServices}


def previous_action(tracker: Tracker) -> Optional[str]:
    """The last action that ran before the current user message (not counting listening)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    for event in reversed(events[:last_user]):
        if event.get("event") == "action" and event.get("name") not in ("action_listen", "action_extract_slots"):
            return event["name"]
    return None


def previous_intent(tracker: Tracker) -> Optional[str]:
    users = [e for e in tracker.events if e.get("event") == "user"]
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name") if len(users) > 1 else None


@in_thread
class ActionAcknowledge(Action):
    """A "yes" / "no" that answers no open question."""

    def name(self) -> Text:
        return "action_acknowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        said_yes = (tracker.latest_message.get("intent") or {}).get("name") == "affirm"
        before = previous_action(tracker)
        if said_yes and before == "action_recommend_plan" and the_referent(tracker, "plan"):
            if identity(tracker).logged_in:
                return [FollowupAction("change_plan_form")]  # "yes" to "would you like to switch?"
            dispatcher.utter_message(response="utter_login_required")
            return []
        if said_yes and tracker.get_slot("last_outcome") and before and before.startswith("action_submit"):
            dispatcher.utter_message(text="That's done. Anything else I can help with?")
        else:
            dispatcher.utter_message(response="utter_anything_else")
        return []


@in_thread
class ActionLastChange(Action):
    def name(self) -> Text:
        return "action_last_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        last = tracker.get_slot("last_outcome")
        if last:
            dispatcher.utter_message(text=f"The last change I made in this conversation: {last}")
        else:
            dispatcher.utter_message(text="I haven't changed anything in this conversation.")
        return []


@in_thread
class ActionUseAccount(Action):
    """An account number on its own: the answer to "which account?" outside a form."""

    def name(self) -> Text:
        return "action_use_account"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        who = identity(tracker)
        if not who.logged_in:
            dispatcher.utter_message(response="utter_login_required")
            return []
        account = tracker.get_slot("account_number")
        if who.role == "agent" and previous_intent(tracker) in ACCOUNT_READS:
            # the question asked before "which account?", answered now
            return await run_inline(ACCOUNT_READS[previous_intent(tracker)](), dispatcher, tracker, domain)
        dispatcher.utter_message(text=f"Working on account {account}. What would you like to do for it?")
        return []
