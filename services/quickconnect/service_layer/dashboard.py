"""The support dashboard's use cases (agents and supervisors): what the assistant did, read from
what is already stored. Conversations come from the Rasa tracker store (read-only), changes from
the audit log; nothing is copied."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

from ..domain.conversations import CHANNELS, REVIEW_INTENTS, conversations
from ..domain.errors import InvalidRequest
from ..domain.undo import UNDO_PREFIX, is_undo
from . import views
from .handlers import Actor, require_staff

DEFAULT_DAYS = 30
MAX_DAYS = 366
REVIEW_SHOWN = 100          # the summary lists the newest; the CSV export has them all


def date_range(clock, start: date | None, end: date | None) -> tuple[date, date]:
    # The tracker store stamps real time, the audit log the services' clock (QC_TODAY may pin
    # it): by default the range reaches whichever of the two is later.
    end = end or max(datetime.now(timezone.utc).date(), clock.today())
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidRequest("'from' must be on or before 'to'.")
    if (end - start).days >= MAX_DAYS:
        raise InvalidRequest(f"Choose a range of at most {MAX_DAYS} days.")
    return start, end


def _ranked(counter: Counter, label: str) -> list[dict]:
    return [{label: key, "count": n} for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def _review(conversation, message) -> dict:
    return {"at": views.when(message.at), "conversation": conversation.ref,
            "channel": conversation.channel, "intent": message.intent, "text": message.text,
            "confidence": None if message.confidence is None else round(message.confidence, 3),
            "suggestions": [name for name, _ in message.ranking if name not in REVIEW_INTENTS][:3]}


def figures(uow, tracker, clock, actor: Actor, start: date | None = None, end: date | None = None,
            channel: str | None = None) -> dict:
    """Everything the dashboard shows for the range (UTC days, inclusive) and channel (None: both)."""
    require_staff(actor)
    if channel is not None and channel not in CHANNELS:
        raise InvalidRequest(f"channel must be one of: {', '.join(CHANNELS)}.")
    start, end = date_range(clock, start, end)
    since, until = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    events = tracker.events(since, until)
    found = [c for c in conversations(events or []) if channel in (None, c.channel)]
    wanted = (channel,) if channel else CHANNELS
    with uow:
        # Changes the assistant made on an account; its handoffs are counted from the conversations.
        audited = uow.repo.audit_between(since, until)
        changes = [(row.at.date(), row.action) for row in audited
                   if row.channel in wanted and not row.action.endswith("_handoff")]
        # Undos by the type of change undone (a sign of a confusing flow), on every channel (the
        # online account's too) unless one is asked for.
        undos = [row.action.removeprefix(UNDO_PREFIX) for row in audited
                 if is_undo(row.action) and channel in (None, row.channel)]

    days = {start + timedelta(days=i): Counter() for i in range((end - start).days + 1)}
    for c in found:
        day = days[c.day]
        day["conversations"] += 1
        day["handed_off" if c.handed_off else "contained"] += 1
        day["faq_answers"] += len(c.faq_topics)
        day["to_review"] += len(c.to_review)
    for day, _action in changes:
        days[day]["changes"] += 1
    per_day = [{"date": views.when(d), **{k: n[k] for k in ("conversations", "contained", "handed_off",
                                                             "faq_answers", "to_review", "changes")}}
               for d, n in days.items()]
    total = len(found)
    contained = sum(not c.handed_off for c in found)
    review = sorted((_review(c, m) for c in found for m in c.to_review), key=lambda r: r["at"], reverse=True)
    return {
        "from": views.when(start), "to": views.when(end), "channel": channel or "all",
        "tracker_store": "ok" if events is not None else "unavailable",
        "totals": {"conversations": total, "contained": contained, "handed_off": total - contained,
                   "containment_rate": round(contained / total, 3) if total else None,
                   "faq_answers": sum(d["faq_answers"] for d in per_day),
                   "to_review": len(review), "changes": len(changes), "undos": len(undos)},
        "per_day": per_day,
        "handoff_reasons": _ranked(Counter(r for c in found for r in c.handoff_reasons), "reason"),
        "faq_topics": _ranked(Counter(t for c in found for t in c.faq_topics), "topic"),
        "changes": _ranked(Counter(action for _, action in changes), "action"),
        "undos": _ranked(Counter(undos), "change"),
        "review": review,
    }


def summary(uow, tracker, clock, actor: Actor, start: date | None = None, end: date | None = None,
            channel: str | None = None) -> dict:
    result = figures(uow, tracker, clock, actor, start, end, channel)
    return {**result, "review": result["review"][:REVIEW_SHOWN]}
