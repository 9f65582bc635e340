"""Domain errors: each carries a machine code, a sentence for a person and optional suggestions.

The HTTP layer maps the class to a status; the code and message go to the caller unchanged.
"""
from __future__ import annotations


class DomainError(Exception):
    code = "invalid_request"

    def __init__(self, message: str, suggestions: list[str] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []
        if code:
            self.code = code


class InvalidRequest(DomainError):
    code = "invalid_request"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class UnknownService(NotFound):
    code = "unknown_service"


class UnknownTier(NotFound):
    code = "unknown_tier"


class UnknownPlan(NotFound):
    code = "unknown_plan"


class UnknownCountry(NotFound):
    code = "unknown_country"


class UnknownAccount(NotFound):
    code = "unknown_account"


class Conflict(DomainError):
    code = "conflict"


class AlreadySubscribed(Conflict):
    code = "already_subscribed"


class NotSubscribed(Conflict):
    code = "not_subscribed"


class SameTier(Conflict):
    code = "same_tier"


class SamePlan(Conflict):
    code = "same_plan"


class ConcurrentChange(Conflict):
    code = "concurrent_change"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class UnknownChange(NotFound):
    code = "unknown_change"


class NothingToUndo(Conflict):
    code = "nothing_to_undo"


class UndoWindowPassed(Conflict):
    code = "undo_window_passed"


class NotLastChange(Conflict):
    code = "not_last_change"


class ChangedSince(Conflict):
    code = "changed_since"


class UndoOfUndo(Conflict):
    code = "undo_of_undo"


class Unavailable(DomainError):
    """The database cannot be reached or stayed locked past its timeout: try again shortly."""
    code = "unavailable"
