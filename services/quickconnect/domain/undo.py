"""Undo of the last change on an account: which changes can be undone, the window, and the
billing entries that reverse what the change wrote (each one the exact negative, so the change
and its undo net to zero to the cent). Plain Python, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .errors import UndoWindowPassed
from .money import ZERO, money

UNDOABLE = ("add_service", "modify_service", "cancel_service", "change_plan")
UNDO_PREFIX = "undo_"
CHANGES = UNDOABLE + tuple(UNDO_PREFIX + a for a in UNDOABLE)   # what counts as "the last change"
FEES = ("modification_fee", "cancellation_fee")
WHAT = {"refund": "refund reversed", "prorated_charge": "pro-rated charge reversed",
        "prorated_credit": "pro-rated credit reversed", "modification_fee": "modification fee waived",
        "cancellation_fee": "cancellation fee waived"}


@dataclass(frozen=True)
class Entry:
    """A billing entry as the change wrote it."""
    id: int
    kind: str
    amount: Decimal
    description: str


@dataclass(frozen=True)
class Reversal:
    reverses: Entry
    kind: str            # reversal | fee_waiver
    amount: Decimal      # exactly -reverses.amount
    description: str


def is_undo(action: str) -> bool:
    return action.startswith(UNDO_PREFIX)


def undo_action(action: str) -> str:
    return UNDO_PREFIX + action


def deadline(changed_at: datetime, window_hours: float) -> datetime:
    return changed_at + timedelta(hours=window_hours)


def check_window(changed_at: datetime, now: datetime, window_hours: float) -> None:
    until = deadline(changed_at, window_hours)
    if now > until:
        raise UndoWindowPassed(
            f"This change was made at {changed_at:%Y-%m-%d %H:%M} UTC; a change can be undone for "
            f"{window_hours:g} hours, until {until:%Y-%m-%d %H:%M} UTC. Nothing was changed; a new "
            f"change (with its own quote) is still possible.")


def reversals(entries: list[Entry]) -> list[Reversal]:
    """One entry per entry the change wrote, with the opposite amount: a refund is charged back,
    a fee waived, a pro-rated charge credited and a pro-rated credit charged."""
    out = []
    for e in entries:
        kind = "fee_waiver" if e.kind in FEES else "reversal"
        what = WHAT.get(e.kind, f"{e.kind.replace('_', ' ')} reversed")
        out.append(Reversal(e, kind, money(-e.amount), f"Undo: {what} (entry #{e.id}: {e.description})"))
    return out


def net(items: list[Reversal]) -> Decimal:
    """The undo's effect on the bill (negative = credit to the customer)."""
    return money(sum((r.amount for r in items), ZERO))
