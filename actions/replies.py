"""Replies shared by several actions, so the wording stays the same everywhere."""
from typing import Dict, List

from actions.api.services import ServicesUnavailable

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
