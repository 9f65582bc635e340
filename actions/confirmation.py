"""The last question of every form that writes: the quote, then an explicit yes or no."""
from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import bullet, moment, plan_quote_lines, points_to_tell, service_quote_lines
from actions.identity import identity
from actions.replies import CONFIRM_BUTTONS
from actions.offload import in_thread
from actions.undo import undo_quote_lines


@in_thread
class ActionAskConfirm(Action):
    def name(self) -> Text:
        return "action_ask_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        form = (tracker.active_loop or {}).get("name")
        quote = tracker.get_slot("quote") or {}
        account = tracker.get_slot("account_number")
        for_agent = identity(tracker).role == "agent"
        if form == "follow_up_form":
            channel = "call" if tracker.get_slot("follow_up_channel") == "call" else "message"
            text = (f"I'll schedule a follow-up {channel} for {account} on {moment(tracker.get_slot('follow_up_time'))}. "
                    "Shall I book it?")
            dispatcher.utter_message(text=text, buttons=CONFIRM_BUTTONS)
            return []
        if not quote:
            # Nothing to confirm (the quote could not be made): end the form without a change.
            return [SlotSet("confirm", False), SlotSet("requested_slot", None)]
        if form == "undo_form":
            lines = undo_quote_lines(quote)
        else:
            lines = plan_quote_lines(quote) if form == "change_plan_form" else service_quote_lines(quote)
        terms = quote.get("terms") or []
        text = f"Here's what this means for account {account}:\n{bullet(lines)}"
        if terms:
            text += "\nTerms:\n" + bullet(terms)
        points = quote.get("tell_customer") or []
        if for_agent and points:
            text += "\n" + points_to_tell(points, for_agent=True)
        text += "\nShall I go ahead? Please answer yes or no."
        dispatcher.utter_message(text=text, buttons=CONFIRM_BUTTONS)
        return []
