"""Undo of the last change on an account ("that was a mistake, change it back"): the services'
quote of what comes back and what money moves, an explicit yes, then the undo with an
Idempotency-Key. The services decide what can be undone (window, changed since, an undo of an
undo); their refusal is said as it is, and nothing changes."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.services import ServicesRejected, ServicesUnavailable
from actions.context import outcome
from actions.form_validation import AccountFormValidation
from actions.formatting import bullet, day, money, net_line
from actions.identity import acting_account, client_for
from actions.idempotency import idempotency_key, new_quote_id
from actions.offload import in_thread
from actions.replies import services_down, write_failed
from actions.requests_queue import next_request


def undo_quote_lines(quote: Dict) -> List[str]:
    change = quote.get("change") or {}
    lines = [f"Undo: {change.get('description') or change.get('action')} (made {day(change.get('at'))})."]
    for entry in quote.get("reversals") or []:
        lines.append(f"{entry.get('description')}: {money(entry.get('amount'))}.")
    bill = quote.get("bill") or {}
    lines.append(net_line(quote.get("net_adjustment")) + (f" (on the bill dated {day(bill.get('date'))})" if bill.get("date") else ""))
    return lines + list(quote.get("tell_customer") or [])


class ValidateUndoForm(AccountFormValidation):
    def name(self) -> Text:
        return "validate_undo_form"

    def validate_account_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: Dict) -> Dict[Text, Any]:
        # The quote is fetched once the account is known (an agent may name it in a later message).
        slots = super().validate_account_number(value, dispatcher, tracker, domain)
        if not slots.get("account_number") or slots.get("confirm") is False:
            return slots
        try:
            quote = client_for(tracker).quote_undo(slots["account_number"])
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"{exc.message.removesuffix(' Nothing was changed.')} Nothing was changed.")
            return {**slots, "confirm": False}
        except ServicesUnavailable:
            dispatcher.utter_message(text=services_down())
            return {**slots, "confirm": False}
        return {**slots, "quote": {**quote, "quote_id": new_quote_id()}, "confirm": None}


@in_thread
class ActionSubmitUndo(Action):
    def name(self) -> Text:
        return "action_submit_undo"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        reset = [SlotSet("confirm", None), SlotSet("quote", None), SlotSet("failed_attempts", 0), SlotSet("request_started", None)]
        quote = tracker.get_slot("quote") or {}
        if tracker.get_slot("confirm") is not True or not quote:
            if (tracker.latest_message.get("intent") or {}).get("name") == "deny":
                dispatcher.utter_message(response="utter_nothing_changed")
            return reset + next_request(tracker, dispatcher)
        account, audit_id = acting_account(tracker), (quote.get("change") or {}).get("audit_id")
        key = idempotency_key(tracker, "undo", {"account": account, "audit_id": audit_id})
        try:
            result = client_for(tracker).undo_last_change(account, audit_id, key)
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"The undo was refused: {exc.message}")
            return reset
        except ServicesUnavailable as exc:
            dispatcher.utter_message(text=write_failed(exc))
            return reset
        done = f"Done: undone on {account}: {(quote.get('change') or {}).get('description')}."
        confirmed = result.get("quote") or quote
        dispatcher.utter_message(text=done + "\n" + net_line(confirmed.get("net_adjustment")))
        return reset + [outcome(done)]
