"""Scheduling a follow-up call or message, as the plan procedure's last step asks."""
import re
from datetime import date, datetime, time, timezone
from typing import Any, Dict, List, Optional, Text

import dateparser
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import config
from actions.api.services import ServicesRejected, ServicesUnavailable
from actions.context import outcome
from actions.form_validation import AccountFormValidation
from actions.formatting import moment
from actions.identity import acting_account, client_for
from actions.idempotency import idempotency_key, new_quote_id
from actions.replies import write_failed
from actions.offload import in_thread

PARTS_OF_DAY = {"morning": "10am", "afternoon": "3pm", "evening": "6pm", "noon": "12pm", "lunchtime": "12pm"}
CALL_WORDS = re.compile(r"\b(call|phone|ring|voice)\b", re.I)
MESSAGE_WORDS = re.compile(r"\b(message|msg|sms|text|email|e-mail|chat|write)\b", re.I)
DATEPARSER_SETTINGS = {"PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC"}


def now_utc() -> datetime:
    """Now, on the services' pinned day when QC_TODAY is set (the time of day stays real)."""
    now = datetime.now(timezone.utc)
    if config.TODAY:
        now = datetime.combine(date.fromisoformat(config.TODAY), now.timetz())
    return now


def parse_when(text: str, now: Optional[datetime] = None) -> Optional[datetime]:
    """The moment named in a sentence ("call me tomorrow afternoon"), in UTC; None if there is none.

    dateparser reads a date expression, not a sentence, so the longest run of words it can read wins.
    A day without a time means 10:00.
    """
    now = now or now_utc()
    cleaned = text.lower()
    for part, clock in PARTS_OF_DAY.items():
        cleaned = re.sub(rf"\b{part}\b", clock, cleaned)
    cleaned = re.sub(r"\bnext (?=(mon|tue|wed|thu|fri|sat|sun))", "", cleaned)
    words = re.findall(r"[\w:/-]+", cleaned)
    settings = {**DATEPARSER_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)}
    for size in range(min(len(words), 6), 0, -1):
        for start in range(len(words) - size + 1):
            chunk = " ".join(words[start:start + size])
            if not re.search(r"\d|day|tomorrow|week|month|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", chunk):
                continue
            found = dateparser.parse(chunk, settings=settings)
            if found:
                if not re.search(r"\d\s*(am|pm)|\d:\d|\d\s*h\b", chunk) and found.time() == time(0, 0):
                    found = found.replace(hour=10)
                return found.astimezone(timezone.utc)
    return None


class ValidateFollowUpForm(AccountFormValidation):
    def name(self) -> Text:
        return "validate_follow_up_form"

    def extract_follow_up_time(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot("requested_slot") == "confirm" or text.startswith("/"):
            return {}
        when = parse_when(text)
        return {"follow_up_time": when.isoformat()} if when else {}

    def extract_follow_up_channel(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") == "confirm":
            return {}
        text = tracker.latest_message.get("text") or ""
        if MESSAGE_WORDS.search(text):
            return {"follow_up_channel": "message"}
        if CALL_WORDS.search(text):
            return {"follow_up_channel": "call"}
        return {}

    def validate_follow_up_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            when = None
        if not when or when <= now_utc():
            dispatcher.utter_message(text="Please give a time in the future, like \"tomorrow at 10am\".")
            return {"follow_up_time": None}
        return {"follow_up_time": when.isoformat(), "quote": {"quote_id": new_quote_id()}, "confirm": None}

    def validate_follow_up_channel(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> Dict[Text, Any]:
        return {"follow_up_channel": value, "confirm": None}


@in_thread
class ActionSubmitFollowUp(Action):
    def name(self) -> Text:
        return "action_submit_follow_up"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        reset = [SlotSet(s, None) for s in ("follow_up_time", "follow_up_channel", "confirm", "quote")] + \
                [SlotSet("offer_follow_up", False)]
        if tracker.get_slot("confirm") is not True:
            if (tracker.latest_message.get("intent") or {}).get("name") == "deny":
                dispatcher.utter_message(text="Okay, no follow-up is booked.")
            return reset
        account, when, channel = acting_account(tracker), tracker.get_slot("follow_up_time"), tracker.get_slot("follow_up_channel")
        note = "Check the customer is happy with their plan." if tracker.get_slot("offer_follow_up") else "Follow-up requested in chat."
        key = idempotency_key(tracker, "follow_up", {"account": account, "due_at": when, "channel": channel})
        try:
            client_for(tracker).schedule_follow_up(account, when, channel, note, key)
        except ServicesRejected as exc:
            dispatcher.utter_message(text=f"I couldn't book it: {exc.message}")
            return reset
        except ServicesUnavailable as exc:
            dispatcher.utter_message(text=write_failed(exc))
            return reset
        booked = f"Booked: a follow-up {channel} for {account} on {moment(when)}."
        dispatcher.utter_message(text=booked)
        return reset + [outcome(booked)]
