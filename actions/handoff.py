"""Handing the conversation to a person: the request and a summary go to the agents' queue."""
import hashlib
from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.api.services import ServicesRejected, ServicesUnavailable
from actions.identity import acting_account, client_for, identity
from actions.offload import in_thread

SUMMARY_MESSAGES = 8


def conversation_summary(tracker: Tracker) -> str:
    """What an agent needs to pick up: who, what they asked, what the assistant last said."""
    who = identity(tracker)
    turns = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            turns.append(f"user ({intent}): {event['text'][:300]}")
        elif event.get("event") == "bot" and event.get("text"):
            turns.append(f"assistant: {event['text'][:200]}")
    header = f"{who.role} {who.subject or ''}".strip()
    if acting_account(tracker) and acting_account(tracker) != who.subject:
        header += f" acting on {acting_account(tracker)}"
    return header + "\n" + "\n".join(turns[-SUMMARY_MESSAGES:])


@in_thread
class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        reason = (tracker.latest_message.get("text") or "asked for a person")[:500]
        # One handoff per request message, however often this action is retried.
        key = "qc-handoff-" + hashlib.sha256(f"{tracker.sender_id}|{len(tracker.events)}|{reason}".encode()).hexdigest()[:40]
        try:
            ticket = client_for(tracker).create_handoff(tracker.sender_id, acting_account(tracker), reason,
                                                        conversation_summary(tracker), key)
        except (ServicesUnavailable, ServicesRejected):
            dispatcher.utter_message(response="utter_agent_queue_unavailable")
            return []
        dispatcher.utter_message(text=f"I've passed this conversation to a QuickConnect agent (request #{ticket.get('id')}); "
                                      "a person will take over here shortly, with a summary so you don't have to repeat yourself. "
                                      "You can also call 1-800-123-4567 or email support@quickconnect.com.",
                                 # the web chat watches this handoff and shows when a person joins
                                 json_message={"handoff": {"id": ticket.get("id"), "status": ticket.get("status")}})
        # a person takes over the rest of the message's requests
        return [SlotSet("pending_requests", None), SlotSet("request_started", None)]
