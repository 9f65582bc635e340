"""Request bodies and parameters, validated by FastAPI (failures become 422 invalid_request)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _printable(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and no name, note or id needs control characters.
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ValueError("must not contain control characters")
    return value


Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_printable)]
Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable)]
AccountNumber = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")]
Version = Annotated[int, Field(ge=0, le=2**31)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRequest(Body):
    account_number: Optional[AccountNumber] = None
    pin: Optional[Name] = None
    agent_id: Optional[Name] = None
    password: Optional[Name] = None


class SubscriptionQuoteRequest(Body):
    action: Literal["add", "modify", "cancel"]
    service: Name
    tier: Optional[Name] = None


class AddServiceRequest(Body):
    service: Name
    tier: Optional[Name] = None


class ModifyServiceRequest(Body):
    tier: Name
    expected_version: Optional[Version] = None


class CancelServiceRequest(Body):
    expected_version: Optional[Version] = None


class UndoRequest(Body):
    audit_id: Optional[Annotated[int, Field(ge=1, le=2**31)]] = None   # must name the last change


class PlanChangeRequest(Body):
    plan: Name
    when: Literal["now", "next_cycle"] = "now"


class FollowUpRequest(Body):
    due_at: datetime
    channel: Literal["call", "message"]
    note: Text


class HandoffRequest(Body):
    conversation_id: Name
    account_number: Optional[AccountNumber] = None
    reason: Text
    summary: Text


class HandoffMessageRequest(Body):
    text: Text


class RecommendRequest(Body):
    countries: Annotated[list[Name], Field(min_length=1, max_length=20)]
    monthly_minutes: Annotated[int, Field(ge=0, le=100_000)]
    account_number: Optional[AccountNumber] = None
