"""Plain-JSON shapes of the HTTP contract (docs/API.md): money as strings, dates ISO."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ..domain.catalog import Catalog, Plan, Service
from ..domain.countries import Country
from ..domain.money import Cycle, money
from ..domain.quotes import PlanQuote, SubscriptionQuote


def amount(value: Decimal | None) -> str | None:
    return None if value is None else str(money(value))


def when(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def ref(item) -> dict | None:
    return None if item is None else {"code": item.code, "name": item.name}


def country(c: Country) -> dict:
    return {"code": c.code, "name": c.name, "region": c.region}


def cycle(c: Cycle) -> dict:
    return {"start": when(c.start), "end": when(c.end), "days": c.days}


def service(s: Service, fee_terms: dict) -> dict:
    return {"code": s.code, "name": s.name, "description": s.description,
            "activation_hours": s.activation_hours, "minimum_term_months": s.minimum_term_months,
            "modification_fee": amount(s.modification_fee), "cancellation_fee": amount(s.cancellation_fee),
            "terms": s.terms(fee_terms),
            "tiers": [{"code": t.code, "name": t.name, "monthly_price": amount(t.monthly_price)} for t in s.tiers]}


def plan(p: Plan) -> dict:
    return {"code": p.code, "name": p.name, "kind": p.kind, "monthly_fee": amount(p.monthly_fee),
            "included_minutes": p.included_minutes, "fair_use_minutes": p.fair_use_minutes,
            "overage_rate": amount(p.overage_rate), "regions": list(p.regions) if p.regions is not None else None,
            "restrictions": list(p.restrictions)}


def plan_ref(p: Plan) -> dict:
    return {"code": p.code, "name": p.name, "monthly_fee": amount(p.monthly_fee)}


def subscription(row, catalog: Catalog) -> dict:
    svc = catalog.service(row.service_code)
    tier = svc.tier(row.tier_code)
    return {"id": row.id, "service": ref(svc), "tier": ref(tier), "monthly_price": amount(tier.monthly_price),
            "status": row.status, "started_on": when(row.started_on), "activates_at": when(row.activates_at),
            "activated_at": when(row.activated_at), "cancelled_on": when(row.cancelled_on),
            "version": row.version}


def quote(q: SubscriptionQuote) -> dict:
    return {"action": q.action, "service": ref(q.service), "from_tier": ref(q.from_tier),
            "to_tier": ref(q.to_tier), "monthly_price_before": amount(q.monthly_price_before),
            "monthly_price_after": amount(q.monthly_price_after), "price_change": amount(q.price_change),
            "cycle": cycle(q.cycle), "effective_date": when(q.effective_date),
            "days_remaining": q.days_remaining, "prorated_charge": amount(q.prorated_charge),
            "prorated_credit": amount(q.prorated_credit),
            "fees": [{"kind": f.kind, "amount": amount(f.amount), "reason": f.reason} for f in q.fees],
            "refund": amount(q.refund), "net_adjustment": amount(q.net_adjustment),
            "activation_eta": when(q.activation_eta), "terms": q.terms, "tell_customer": q.tell_customer}


def plan_quote(q: PlanQuote) -> dict:
    return {"from_plan": plan_ref(q.from_plan), "to_plan": plan_ref(q.to_plan), "when": q.when,
            "effective_date": when(q.effective_date), "cycle": cycle(q.cycle),
            "days_remaining": q.days_remaining, "prorated_credit": amount(q.prorated_credit),
            "prorated_charge": amount(q.prorated_charge), "net_adjustment": amount(q.net_adjustment),
            "restrictions": list(q.to_plan.restrictions), "tell_customer": q.tell_customer}


def billing_entry(row) -> dict:
    return {"id": row.id, "date": when(row.date), "kind": row.kind, "amount": amount(row.amount),
            "description": row.description}


def follow_up(row) -> dict:
    return {"id": row.id, "due_at": when(row.due_at), "channel": row.channel, "note": row.note,
            "status": row.status, "created_by": row.created_by}


def notification(row) -> dict:
    return {"id": row.id, "created_at": when(row.created_at), "kind": row.kind, "message": row.message,
            "read": row.read}


def handoff(row) -> dict:
    return {"id": row.id, "status": row.status, "conversation_id": row.conversation_id,
            "account_number": row.account_number, "reason": row.reason, "summary": row.summary,
            "created_by": row.created_by, "created_at": when(row.created_at),
            "taken_by": row.taken_by, "agent_name": row.taken_by_name,
            "taken_at": when(row.taken_at)}


def handoff_message(row) -> dict:
    return {"id": row.id, "at": when(row.at), "sender_role": row.sender_role, "sender_name": row.sender_name,
            "text": row.text}


def audit(row) -> dict:
    return {"id": row.id, "at": when(row.at), "actor": row.actor, "role": row.role, "channel": row.channel,
            "action": row.action, "account_number": row.account_number, "before": row.before,
            "after": row.after, "reverses": row.reverses_id}
