"""The assistant's conversations as the support dashboard counts them.

A conversation is one Rasa session (a new one starts after the session expiry, and when an agent
opens another customer in the portal: bot/channels/quickconnect.py) with at least one
user message. It is "agent_widget" when an agent's token spoke in it, otherwise "chat" (customers
and visitors). It is contained when the assistant never handed it to a person.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

CHANNELS = ("chat", "agent_widget")
REVIEW_INTENTS = ("nlu_fallback", "out_of_scope")   # messages worth turning into training data


@dataclass(frozen=True)
class TrackedEvent:
    sender_id: str
    at: datetime                    # naive UTC, like the services' own datetimes
    kind: str                       # "session" (a new session starts) | "user" | "handoff"
    role: str = "anonymous"         # user messages: the role of the token they carried
    intent: str | None = None
    confidence: float | None = None
    faq_topic: str | None = None    # the faq/<topic> the response selector chose
    text: str = ""
    ranking: tuple = ()             # ((intent, confidence), ...) best first


def pseudonym(sender_id: str) -> str:
    """A stable stand-in for a conversation id: the id itself lets its holder read the
    conversation and its handoff, so it is never shown."""
    return hashlib.sha256(sender_id.encode()).hexdigest()[:12]


@dataclass
class Conversation:
    ref: str
    messages: list[TrackedEvent] = field(default_factory=list)
    handoff_reasons: list[str] = field(default_factory=list)   # the intent that led to each handoff

    @property
    def started(self) -> datetime:
        return self.messages[0].at

    @property
    def day(self) -> date:
        return self.started.date()

    @property
    def channel(self) -> str:
        return "agent_widget" if any(m.role == "agent" for m in self.messages) else "chat"

    @property
    def handed_off(self) -> bool:
        return bool(self.handoff_reasons)

    @property
    def faq_topics(self) -> list[str]:
        return [m.faq_topic for m in self.messages if m.faq_topic]

    @property
    def to_review(self) -> list[TrackedEvent]:
        return [m for m in self.messages if m.intent in REVIEW_INTENTS]


def conversations(events: list[TrackedEvent]) -> list[Conversation]:
    """Events ordered by conversation id, then as they happened."""
    found: list[Conversation] = []
    current: Conversation | None = None
    sender = None
    for event in events:
        if event.sender_id != sender or event.kind == "session":
            if current and current.messages:
                found.append(current)
            sender, current = event.sender_id, Conversation(pseudonym(event.sender_id))
        if event.kind == "user":
            current.messages.append(event)
        elif event.kind == "handoff" and current.messages:
            current.handoff_reasons.append(current.messages[-1].intent or "unknown")
    if current and current.messages:
        found.append(current)
    return sorted(found, key=lambda c: c.started)
