"""Who is talking: the identity token the channel passes in message metadata, verified here.

The text of a message is never used for identity. A missing, forged or expired token means an
anonymous user, who can ask general questions but not see or change any account.
"""
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

import jwt
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import config
from actions.api.services import ServicesClient


@dataclass(frozen=True)
class Identity:
    role: str                      # "customer", "agent" or "anonymous"
    subject: Optional[str] = None  # account number for customers, agent id for agents
    name: Optional[str] = None
    token: Optional[str] = None
    problem: Optional[str] = None  # why a token was refused ("expired", "invalid")

    @property
    def logged_in(self) -> bool:
        return self.role in ("customer", "agent")

    @property
    def channel(self) -> str:
        return "agent_widget" if self.role == "agent" else "chat"


ANONYMOUS = Identity("anonymous")


def identity_from_metadata(metadata: Optional[Dict[str, Any]]) -> Identity:
    token = (metadata or {}).get("token")
    if not token or not isinstance(token, str):
        return ANONYMOUS
    try:
        claims = jwt.decode(token, config.JWT_SECRET, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        return Identity("anonymous", problem="expired")
    except jwt.PyJWTError:
        return Identity("anonymous", problem="invalid")
    role = claims.get("role")
    if role not in ("customer", "agent"):
        return Identity("anonymous", problem="invalid")
    return Identity(role, str(claims["sub"]), claims.get("name"), token)


def identity(tracker: Tracker) -> Identity:
    return identity_from_metadata(tracker.latest_message.get("metadata"))


def client_for(tracker: Tracker) -> ServicesClient:
    who = identity(tracker)
    return ServicesClient(token=who.token, channel=who.channel)


def acting_account(tracker: Tracker) -> Optional[str]:
    """The account this conversation acts on: a customer's own, or the one the agent named."""
    who = identity(tracker)
    if who.role == "customer":
        return who.subject
    if who.role == "agent":
        return tracker.get_slot("account_number")
    return None


def opened_another_account(tracker: Tracker) -> bool:
    """The agent picked a customer in the portal's lookup since their previous message. Only a
    change counts, so an account the agent later names in the chat is not overridden."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    current = (tracker.latest_message.get("metadata") or {}).get("working_account")
    previous = (user_events[-2].get("metadata") or {}).get("working_account") if len(user_events) > 1 else None
    return bool(current) and current != previous


class ActionExtractIdentity(Action):
    """Custom slot mapping run after every user message: keeps the identity slots current."""

    def name(self) -> Text:
        return "action_extract_identity"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
        who = identity(tracker)
        wanted = {"logged_in": who.logged_in, "user_role": who.role}
        if who.role == "customer":
            wanted["account_number"] = who.subject
        elif who.role == "anonymous":
            wanted["account_number"] = None
        elif opened_another_account(tracker):
            wanted["account_number"] = tracker.latest_message["metadata"]["working_account"]
        # Only changes: a slot set on every turn would count as an answer to an open form question
        # and stop the form from ever letting a digression (an FAQ mid-form) through.
        return [SlotSet(k, v) for k, v in wanted.items() if tracker.get_slot(k) != v]
