"""Replies shared by several actions, so the wording stays the same everywhere."""
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.api.services import ServicesClient, ServicesRejected, ServicesUnavailable
from actions.identity import acting_account, client_for

CONFIRM_BUTTONS: List[Dict[str, str]] = [
    {"title": "Yes, go ahead", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]


def services_down() -> str:
    return ("I can't reach our account systems right now, so I haven't changed anything. "
            "Please try again in a few minutes, or say \"human\" and I'll hand you to a person.")


def write_failed(exc: ServicesUnavailable) -> str:
    if exc.maybe_applied:
        return ("Our account systems didn't confirm that change (they're not responding properly). "
                "I have not sent it again, so it can't be applied twice; it may or may not have gone through. "
                "Please check your account in a few minutes or say \"human\" to have a person check it.")
    return services_down()


def read_account(dispatcher: CollectingDispatcher, tracker: Tracker,
                 read: Callable[[ServicesClient], Any]) -> Optional[Any]:
    """Run a read about the acting account; on any failure tell the user why and return None."""
    if not acting_account(tracker):
        dispatcher.utter_message(response="utter_ask_account_number")
        return None
    try:
        return read(client_for(tracker))
    except ServicesUnavailable:
        dispatcher.utter_message(text=services_down())
    except ServicesRejected as exc:
        dispatcher.utter_message(text=exc.message)
    return None
