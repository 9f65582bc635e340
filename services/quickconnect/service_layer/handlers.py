"""One function per use case. Reads return JSON-ready dicts; writes stage their rows, an audit
row and billing entries in one unit of work and commit it (uow.commit(result))."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable
from functools import lru_cache

from ..adapters import geo
from ..adapters import orm
from ..adapters.passwords import verify_secret
from ..domain import quotes as q
from ..domain.catalog import Catalog
from ..domain.countries import CountryDirectory
from ..domain import undo
from ..domain.errors import (AlreadySubscribed, ChangedSince, ConcurrentChange, Conflict, Forbidden,
                             InvalidRequest, NothingToUndo, NotFound, NotLastChange, NotSubscribed, Unauthorized,
                             UndoOfUndo, UnknownAccount, UnknownChange, UnknownPlan)
from ..domain.money import ZERO, Cycle, cycle_for
from ..domain.recommend import plan_cost, rank_plans
from ..domain.usage import minutes_in_plan
from . import views

LIVE = ("pending_activation", "active")
STAFF = ("agent", "supervisor")     # supervisors read what agents read (the HTTP layer refuses their writes)


@dataclass(frozen=True)
class Actor:
    subject: str          # account number, agent id, or "system"
    role: str             # customer | agent | supervisor | system
    channel: str = "api"


SYSTEM = Actor("system", "system", "worker")


# -- helpers -------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _directory(aliases: tuple) -> CountryDirectory:
    return CountryDirectory(geo.continents(), dict(aliases))


def countries(catalog: Catalog) -> CountryDirectory:
    return _directory(tuple(sorted(catalog.country_aliases.items())))


def _account(uow, actor: Actor, account_number: str, for_update: bool = False) -> orm.CustomerRow:
    if actor.role == "customer" and actor.subject != account_number:
        raise Forbidden("You can only see and change your own account.")
    customer = uow.repo.customer(account_number, for_update=for_update)
    if customer is None:
        raise UnknownAccount(f"There is no account {account_number}.")
    return customer


def _require_agent(actor: Actor) -> None:
    if actor.role != "agent":
        raise Forbidden("Only agents can do this.")


def require_staff(actor: Actor) -> None:
    if actor.role not in STAFF:
        raise Forbidden("Only agents and supervisors can see this.")


def _live_subscription(uow, customer, service) -> orm.SubscriptionRow:
    for row in uow.repo.subscriptions(customer.id):
        if row.service_code == service.code and row.status in LIVE:
            return row
    raise NotSubscribed(f"{customer.account_number} has no active {service.name} subscription.")


def _check_version(row, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != row.version:
        raise ConcurrentChange(f"This subscription changed since you read it (version {expected_version}, "
                               f"now {row.version}); nothing was changed. Please check and try again.")


def _plan_now(uow, customer, catalog: Catalog, today):
    """The plan period in force today (the latest one starting on or before today)."""
    current = None
    for period in uow.repo.plan_periods(customer.id):
        if period.valid_from <= today and (period.valid_to is None or period.valid_to >= today):
            current = period
    if current is None:
        raise UnknownPlan(f"{customer.account_number} has no calling plan.")
    return current, catalog.plan(current.plan_code)


def _bill(uow, customer, clock, kind, amount, description, subscription_id=None):
    if amount == ZERO:
        return None
    row = orm.BillingEntryRow(customer_id=customer.id, date=clock.today(), kind=kind, amount=amount,
                              description=description, subscription_id=subscription_id,
                              created_at=clock.now())
    uow.repo.add(row)
    return row


def _audit(uow, clock, actor: Actor, action: str, account_number, before, after, reverses_id=None) -> orm.AuditRow:
    row = orm.AuditRow(at=clock.now(), actor=actor.subject, role=actor.role, channel=actor.channel,
                       action=action, account_number=account_number, before=before, after=after,
                       reverses_id=reverses_id)
    uow.repo.add(row)
    return row


def _cycle(customer, clock) -> Cycle:
    return cycle_for(customer.billing_cycle_day, clock.today())


def authenticate(uow, account_number: str | None = None, pin: str | None = None,
                 agent_id: str | None = None, password: str | None = None) -> tuple[str, str, str]:
    """(subject, role, name) for valid demo credentials; Unauthorized otherwise."""
    with uow:
        if account_number is not None and pin is not None:
            customer = uow.repo.customer(account_number)
            if customer is not None and verify_secret(pin, customer.pin_hash):
                return customer.account_number, "customer", customer.name
        elif agent_id is not None and password is not None:
            agent = uow.repo.agent(agent_id)
            if agent is not None and verify_secret(password, agent.password_hash):
                return agent.agent_id, agent.role, agent.name
        raise Unauthorized("Those credentials are not right.")


def identity(uow, account_number: str | None = None, agent_id: str | None = None) -> tuple[str, str, str]:
    """(subject, role, name) of an existing customer or agent (the operator's token command)."""
    with uow:
        row = uow.repo.customer(account_number) if account_number else uow.repo.agent(agent_id)
        if row is None:
            raise UnknownAccount(f"There is no {'account' if account_number else 'agent'} "
                                 f"{account_number or agent_id}.")
        return (row.account_number, "customer", row.name) if account_number else (row.agent_id, row.role, row.name)


def still_signed_in(uow, actor: Actor) -> None:
    """A token outlives the account or agent it names: once that row is gone, the token is refused
    (401), so a deleted customer cannot read what is left under their number."""
    with uow:
        row = uow.repo.customer(actor.subject) if actor.role == "customer" else uow.repo.agent(actor.subject)
        if row is None:
            raise Unauthorized("This sign-in is no longer valid; please sign in again.")


def check_database(uow) -> None:
    """One trivial query: raises Unavailable when the database cannot be reached."""
    with uow:
        uow.repo.ping()


# -- catalog -------------------------------------------------------------------------------

def list_services(uow) -> list[dict]:
    with uow:
        catalog = uow.repo.catalog()
        return [views.service(s, catalog.fee_terms) for s in catalog.services]


def get_service(uow, name: str) -> dict:
    with uow:
        catalog = uow.repo.catalog()
        return views.service(catalog.service(name), catalog.fee_terms)


def list_plans(uow) -> list[dict]:
    with uow:
        return [views.plan(p) for p in uow.repo.catalog().plans]


def plan_coverage(uow, name: str) -> dict:
    with uow:
        catalog = uow.repo.catalog()
        plan = catalog.plan(name)
        everyone = countries(catalog).all()
        blocked = [c for c in everyone if c.code in catalog.blocked_countries]
        included = [c for c in everyone if c.code not in catalog.blocked_countries and plan.includes(c.region)]
        if plan.kind == "pay_per_minute":
            note = "Every country we serve is charged per minute at its region's rate; nothing is included."
        elif plan.kind == "unlimited":
            note = (f"Unlimited calls to every country we serve up to {plan.fair_use_minutes} minutes a "
                    f"cycle (fair use); beyond that, pay-per-minute rates.")
        else:
            note = (f"{plan.included_minutes} minutes a cycle to {', '.join(plan.regions)}; beyond that "
                    f"${plan.overage_rate} a minute. Other countries are charged at pay-per-minute rates.")
        return {"plan": views.ref(plan), "regions": list(plan.regions) if plan.regions is not None else None,
                "countries_covered": len(included),
                "included": [views.ref(c) for c in included], "blocked": [views.ref(c) for c in blocked],
                "note": note}


def resolve_country(uow, query: str) -> dict:
    with uow:
        return views.country(countries(uow.repo.catalog()).resolve(query))


def rates_for_country(uow, query: str) -> dict:
    with uow:
        catalog = uow.repo.catalog()
        country = countries(catalog).resolve(query)
        blocked = country.code in catalog.blocked_countries
        rate = catalog.rate(country.region)
        rates = []
        for plan in catalog.plans:
            if blocked:
                rates.append({"plan": views.ref(plan), "per_minute": None, "included_in_plan": False,
                              "note": f"calls to {country.name} are not available on any plan"})
            elif plan.kind == "unlimited":
                rates.append({"plan": views.ref(plan), "per_minute": "0.00", "included_in_plan": True,
                              "note": f"unlimited up to the {plan.fair_use_minutes:,}-minute fair-use limit; "
                                      f"beyond that ${rate} a minute"})
            elif plan.includes(country.region):
                rates.append({"plan": views.ref(plan), "per_minute": "0.00", "included_in_plan": True,
                              "note": f"counts against the {plan.included_minutes} included minutes; "
                                      f"beyond that ${plan.overage_rate} a minute"})
            else:
                note = ("charged per minute" if plan.kind == "pay_per_minute"
                        else f"outside {plan.name}'s region: charged at the pay-per-minute rate")
                rates.append({"plan": views.ref(plan), "per_minute": views.amount(rate),
                              "included_in_plan": False, "note": note})
        return {"country": views.country(country), "blocked": blocked, "rates": rates}


# -- customers and subscriptions --------------------------------------------------------------

def get_customer(uow, clock, actor: Actor, account_number: str) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        _, plan = _plan_now(uow, customer, uow.repo.catalog(), clock.today())
        return {"account_number": customer.account_number, "name": customer.name,
                "uses_online_account": customer.uses_online_account,
                "billing_cycle_day": customer.billing_cycle_day, "cycle": views.cycle(_cycle(customer, clock)),
                "plan": views.ref(plan)}


def list_subscriptions(uow, actor: Actor, account_number: str) -> list[dict]:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        return [views.subscription(row, catalog) for row in uow.repo.subscriptions(customer.id)]


def _quote(uow, clock, customer, catalog, action: str, service_name: str, tier_name: str | None):
    service = catalog.service(service_name)
    cycle = _cycle(customer, clock)
    today = clock.today()
    if action == "add":
        for row in uow.repo.subscriptions(customer.id):
            if row.service_code == service.code and row.status in LIVE:
                raise AlreadySubscribed(f"{customer.account_number} already has {service.name} "
                                        f"({row.status.replace('_', ' ')}).")
        if tier_name is None and len(service.tiers) > 1:
            raise InvalidRequest(f"Which {service.name} tier? Choose one of: "
                                 + ", ".join(t.name for t in service.tiers) + ".",
                                 [t.name for t in service.tiers])
        tier = service.tier(tier_name) if tier_name else service.tiers[0]
        return None, q.quote_add(service, tier, cycle, clock.now(), catalog.fee_terms)
    row = _live_subscription(uow, customer, service)
    current = service.tier(row.tier_code)
    if action == "modify":
        if tier_name is None:
            raise InvalidRequest(f"Which {service.name} tier should it change to?", [t.name for t in service.tiers])
        return row, q.quote_modify(service, current, service.tier(tier_name), row.started_on, cycle, today,
                                   catalog.fee_terms)
    return row, q.quote_cancel(service, current, row.started_on, cycle, today, catalog.fee_terms)


def quote_subscription(uow, clock, actor: Actor, account_number: str, action: str, service: str,
                       tier: str | None = None) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        _, quote = _quote(uow, clock, customer, uow.repo.catalog(), action, service, tier)
        return views.quote(quote)


def add_service(uow, clock, actor: Actor, account_number: str, service: str, tier: str | None = None) -> dict:
    with uow:
        # Locks the customer row on PostgreSQL: a simultaneous add waits, then sees this one.
        customer = _account(uow, actor, account_number, for_update=True)
        catalog = uow.repo.catalog()
        _, quote = _quote(uow, clock, customer, catalog, "add", service, tier)
        row = orm.SubscriptionRow(customer_id=customer.id, service_code=quote.service.code,
                                  tier_code=quote.to_tier.code, status="pending_activation",
                                  started_on=clock.today(), activates_at=quote.activation_eta)
        uow.repo.add(row)
        uow.flush()
        label = f"{quote.service.name} ({quote.to_tier.name})"
        entries = [_bill(uow, customer, clock, "prorated_charge", quote.prorated_charge,
                         f"{label}: {quote.days_remaining} of {quote.cycle.days} days", row.id)]
        return _finish_subscription_change(uow, clock, actor, customer, catalog, "add_service", None, row,
                                           quote, entries)


def modify_service(uow, clock, actor: Actor, account_number: str, service: str, tier: str,
                   expected_version: int | None = None) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        row, quote = _quote(uow, clock, customer, catalog, "modify", service, tier)
        _check_version(row, expected_version)
        before = views.subscription(row, catalog)
        row.tier_code = quote.to_tier.code
        label = f"{quote.service.name} {quote.from_tier.name} to {quote.to_tier.name}"
        days = f"{quote.days_remaining} of {quote.cycle.days} days"
        entries = [_bill(uow, customer, clock, "prorated_charge", quote.prorated_charge, f"{label}: {days}", row.id),
                   _bill(uow, customer, clock, "prorated_credit", -quote.prorated_credit, f"{label}: {days}", row.id),
                   *[_bill(uow, customer, clock, f.kind, f.amount, f"{label}: {f.reason}", row.id) for f in quote.fees]]
        return _finish_subscription_change(uow, clock, actor, customer, catalog, "modify_service", before, row,
                                           quote, entries)


def cancel_service(uow, clock, actor: Actor, account_number: str, service: str,
                   expected_version: int | None = None) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        row, quote = _quote(uow, clock, customer, catalog, "cancel", service, None)
        _check_version(row, expected_version)
        before = views.subscription(row, catalog)
        row.status, row.cancelled_on = "cancelled", clock.today()
        label = f"{quote.service.name} ({quote.from_tier.name}) cancelled"
        entries = [_bill(uow, customer, clock, "refund", -quote.refund,
                         f"{label}: {quote.days_remaining} unused of {quote.cycle.days} days", row.id),
                   *[_bill(uow, customer, clock, f.kind, f.amount, f"{label}: {f.reason}", row.id) for f in quote.fees]]
        return _finish_subscription_change(uow, clock, actor, customer, catalog, "cancel_service", before, row,
                                           quote, entries)


def _finish_subscription_change(uow, clock, actor, customer, catalog, action, before, row, quote, entries):
    uow.flush()     # the version bump and entry ids are part of the answer
    after = views.subscription(row, catalog)
    billed = [views.billing_entry(e) for e in entries if e is not None]
    _audit(uow, clock, actor, action, customer.account_number, before,
           {**after, "billing_entries": billed, "net_adjustment": views.amount(quote.net_adjustment)})
    return uow.commit({"subscription": after, "quote": views.quote(quote), "billing_entries": billed})


# -- calling plans ----------------------------------------------------------------------------

def _calls(uow, catalog, customer, cycle: Cycle):
    directory = countries(catalog)
    return [(directory.get(r.country_code), r) for r in uow.repo.usage(customer.id, cycle.start, cycle.end)]


def _usage_summary(calls, plan) -> dict:
    by_country: dict[str, dict] = {}
    for country, record in calls:
        entry = by_country.setdefault(country.code, {"country": views.ref(country), "minutes": 0, "cost": ZERO})
        entry["minutes"] += record.minutes
        entry["cost"] += record.cost
    minutes = sum(r.minutes for _, r in calls)
    used = minutes_in_plan(plan, [(c, r.minutes) for c, r in calls])
    remaining = None if plan.kind == "pay_per_minute" else max(plan.allowance - used, 0)
    return {"minutes": minutes, "cost": views.amount(sum((r.cost for _, r in calls), ZERO)),
            "included_minutes": plan.included_minutes if plan.kind == "regional" else None,
            "minutes_remaining": remaining,
            "by_country": [{**e, "cost": views.amount(e["cost"])} for e in by_country.values()]}


def current_plan(uow, clock, actor: Actor, account_number: str) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        period, plan = _plan_now(uow, customer, catalog, clock.today())
        cycle = _cycle(customer, clock)
        return {"plan": {**views.plan_ref(plan), "kind": plan.kind, "since": views.when(period.valid_from)},
                "restrictions": list(plan.restrictions), "cycle": views.cycle(cycle),
                "usage": _usage_summary(_calls(uow, catalog, customer, cycle), plan),
                "billing_history": [views.billing_entry(e) for e in uow.repo.billing(customer.id)],
                "history": [{"plan": views.plan_ref(catalog.plan(p.plan_code)), "from": views.when(p.valid_from),
                             "to": views.when(p.valid_to)} for p in uow.repo.plan_periods(customer.id)]}


def usage(uow, clock, actor: Actor, account_number: str, cycles: int = 1) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        _, plan = _plan_now(uow, customer, catalog, clock.today())
        result, cycle = [], _cycle(customer, clock)
        for _ in range(cycles):
            calls = _calls(uow, catalog, customer, cycle)
            summary = _usage_summary(calls, plan)
            result.append({"cycle": views.cycle(cycle), "minutes": summary["minutes"], "cost": summary["cost"],
                           "by_country": summary["by_country"],
                           "records": [{"date": views.when(r.called_on), "country": views.ref(c),
                                        "minutes": r.minutes, "cost": views.amount(r.cost)} for c, r in calls]})
            cycle = cycle_for(customer.billing_cycle_day, cycle.start - timedelta(days=1))
        return {"cycles": result}


def billing(uow, actor: Actor, account_number: str) -> list[dict]:
    with uow:
        customer = _account(uow, actor, account_number)
        return [views.billing_entry(e) for e in uow.repo.billing(customer.id)]


def quote_plan_change(uow, clock, actor: Actor, account_number: str, plan: str, when: str) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        _, current = _plan_now(uow, customer, catalog, clock.today())
        return views.plan_quote(q.quote_plan_change(current, catalog.plan(plan), when,
                                                    _cycle(customer, clock), clock.today()))


def change_plan(uow, clock, actor: Actor, account_number: str, plan: str, when: str) -> dict:
    with uow:
        # No row lock here: the customer's version column makes a simultaneous second change fail.
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        today, cycle = clock.today(), _cycle(customer, clock)
        period, current = _plan_now(uow, customer, catalog, today)
        quote = q.quote_plan_change(current, catalog.plan(plan), when, cycle, today)
        periods = uow.repo.plan_periods(customer.id)
        before = {"plan": current.code, "periods": [_period(p) for p in periods]}
        for scheduled in [p for p in periods if p.valid_from > today]:
            uow.repo.delete(scheduled)     # a later choice replaces a change not yet in force
        period.valid_to = today - timedelta(days=1) if when == "now" else cycle.end
        new = orm.CustomerPlanRow(customer_id=customer.id, plan_code=quote.to_plan.code,
                                  valid_from=quote.effective_date, valid_to=None)
        uow.repo.add(new)
        uow.repo.bump_version(customer)    # two simultaneous plan changes cannot both apply
        entries = [_bill(uow, customer, clock, "prorated_credit", -quote.prorated_credit,
                         f"{current.name}: {quote.days_remaining} unused of {cycle.days} days"),
                   _bill(uow, customer, clock, "prorated_charge", quote.prorated_charge,
                         f"{quote.to_plan.name}: {quote.days_remaining} of {cycle.days} days")]
        uow.flush()
        billed = [views.billing_entry(e) for e in entries if e is not None]
        result = {"plan": {**views.plan_ref(quote.to_plan), "kind": quote.to_plan.kind,
                           "since": views.when(quote.effective_date)},
                  "quote": views.plan_quote(quote), "billing_entries": billed}
        _audit(uow, clock, actor, "change_plan", customer.account_number, before,
               {"plan": quote.to_plan.code, "when": when, "effective_date": views.when(quote.effective_date),
                "billing_entries": billed})
        return uow.commit(result)


def _period(p) -> dict:
    return {"plan": p.plan_code, "from": views.when(p.valid_from), "to": views.when(p.valid_to)}


def recommend_plans(uow, clock, actor: Actor, account_number: str | None, country_names: list[str],
                    monthly_minutes: int) -> dict:
    with uow:
        catalog = uow.repo.catalog()
        directory = countries(catalog)
        chosen = list({c.code: c for c in (directory.resolve(n) for n in country_names)}.values())
        current = current_cost = None
        if account_number:
            customer = _account(uow, actor, account_number)
            _, current = _plan_now(uow, customer, catalog, clock.today())
            current_cost = plan_cost(catalog, current, chosen, monthly_minutes).monthly_cost
        return {"countries": [views.country(c) for c in chosen], "monthly_minutes": monthly_minutes,
                "current_plan": views.plan_ref(current) if current else None,
                "current_cost": views.amount(current_cost),
                "options": [{"plan": views.ref(o.plan), "monthly_cost": views.amount(o.monthly_cost),
                             "saving": views.amount(current_cost - o.monthly_cost) if current else None,
                             "breakdown": o.breakdown, "covers_all": o.covers_all}
                            for o in rank_plans(catalog, chosen, monthly_minutes)]}


# -- undo of the last change (docs/services.md "Undo") ------------------------------------------

@dataclass
class _Undo:
    """What undoing one change means for the account now, worked out before anything is written."""
    change: orm.AuditRow
    now: dict                     # the part of the account the change touched, as it is now
    restores: dict                # the same part, as the undo puts it back
    originals: list               # the billing entry rows the change wrote
    apply: Callable               # puts the rows back as before the change
    tell: list[str] = field(default_factory=list)
    reversals: list = field(default_factory=list)


def _change_text(uow, catalog, row) -> str:
    if undo.is_undo(row.action):
        original = uow.repo.get(orm.AuditRow, row.reverses_id) if row.reverses_id else None
        return f"Undo of change #{row.reverses_id}" + (f" ({_change_text(uow, catalog, original)})" if original else "")
    before, after = row.before or {}, row.after or {}
    if row.action == "change_plan":
        text = f"Calling plan changed from {catalog.plan(before['plan']).name} to {catalog.plan(after['plan']).name}"
        return text + ("" if after.get("when") == "now" else f" from {after['effective_date']}")
    label = f"{after['service']['name']} ({after['tier']['name']})"
    if row.action == "add_service":
        return f"{label} added"
    if row.action == "modify_service":
        return f"{after['service']['name']} changed from {before['tier']['name']} to {after['tier']['name']}"
    return f"{label} cancelled"


def _change_view(uow, catalog, row, window_hours: float) -> dict:
    return {"audit_id": row.id, "action": row.action, "at": views.when(row.at), "actor": row.actor,
            "role": row.role, "channel": row.channel, "description": _change_text(uow, catalog, row),
            "reverses": row.reverses_id,
            "undo_until": None if undo.is_undo(row.action) else views.when(undo.deadline(row.at, window_hours))}


def _find_change(uow, customer, audit_id: int | None) -> orm.AuditRow:
    """The account's last change (the one named by audit_id must be it); never an undo."""
    acct = customer.account_number
    last = uow.repo.latest_audit(acct, undo.CHANGES)
    if audit_id is not None:
        named = uow.repo.get(orm.AuditRow, audit_id)
        if named is None or named.account_number != acct or named.action not in undo.CHANGES:
            raise UnknownChange(f"There is no change of a service or plan #{audit_id} on {acct}.")
        if last is None or named.id != last.id:
            raise NotLastChange(f"Change #{audit_id} is not the last change on {acct} (the last is #{last.id}): "
                                "only the last change can be undone. Nothing was changed.")
    if last is None:
        raise NothingToUndo(f"There is no change on {acct} to undo.")
    if undo.is_undo(last.action):
        raise UndoOfUndo(f"The last change on {acct} (#{last.id}) is itself an undo, and an undo cannot be "
                         "undone: to go back, make the change again as a new change (with its own quote). "
                         "Nothing was changed.")
    return last


def _sub_state(view: dict, **changes) -> dict:
    keys = ("id", "service", "tier", "monthly_price", "status", "started_on", "cancelled_on")
    return {**{k: view[k] for k in keys}, **changes}


def _periods_state(periods: list[dict], today, catalog) -> dict:
    """{"plan", "since", "scheduled"} from [{"plan", "from", "to"}]: the plan in force today and
    the change scheduled after it, if any."""
    current = next((p for p in reversed(periods) if p["from"] <= today.isoformat()
                    and (p["to"] is None or p["to"] >= today.isoformat())), None)
    later = next((p for p in periods if p["from"] > today.isoformat()), None)
    return {"plan": views.plan_ref(catalog.plan(current["plan"])) if current else None,
            "since": current["from"] if current else None,
            "scheduled": {"plan": views.plan_ref(catalog.plan(later["plan"])), "from": later["from"]} if later else None}


def _subscription_undo(uow, clock, customer, catalog, change) -> _Undo:
    before, after = change.before, change.after
    row = uow.repo.get(orm.SubscriptionRow, after["id"])
    label = f"{after['service']['name']} ({after['tier']['name']})"
    if row is None or row.customer_id != customer.id:
        raise ChangedSince(f"{label} is no longer on this account; nothing was changed.")
    now = views.subscription(row, catalog)
    changed = ChangedSince(f"{label} has changed since this change (now {now['tier']['name']}, "
                           f"{now['status'].replace('_', ' ')}); nothing was changed.")
    today = clock.today()
    if change.action == "add_service":
        if row.status not in LIVE or row.tier_code != after["tier"]["code"]:
            raise changed

        def apply():
            row.status, row.cancelled_on = "cancelled", today
        tell = [f"{label}, added {views.when(change.at)[:10]}, is removed today: no cancellation fee."]
        if row.status == "active":
            tell.append(f"It went live at {views.when(row.activated_at)}; the undo still cancels it without a "
                        "fee and refunds everything the add charged.")
        return _Undo(change, now, _sub_state(now, status="cancelled", cancelled_on=views.when(today)),
                     [], apply, tell)
    if change.action == "modify_service":
        if row.status not in LIVE or row.tier_code != after["tier"]["code"]:
            raise changed

        def apply():
            row.tier_code = before["tier"]["code"]
        restores = _sub_state(now, tier=before["tier"], monthly_price=before["monthly_price"])
        tell = [f"{after['service']['name']} goes back from {after['tier']['name']} to {before['tier']['name']} "
                f"(${before['monthly_price']} a month), with its start date {now['started_on']} and so the same "
                "minimum term."]
        return _Undo(change, now, restores, [], apply, tell)
    # cancel_service
    live = [r for r in uow.repo.subscriptions(customer.id) if r.service_code == row.service_code and r.status in LIVE]
    if row.status != "cancelled" or views.when(row.cancelled_on) != after["cancelled_on"] or live:
        raise changed

    def apply():
        row.status, row.cancelled_on = before["status"], None
    tell = [f"{label} comes back as it was ({before['status'].replace('_', ' ')}), with its start date "
            f"{now['started_on']} and so the same minimum term: it is not a new subscription."]
    return _Undo(change, now, _sub_state(now, status=before["status"], cancelled_on=None), [], apply, tell)


def _plan_undo(uow, clock, customer, catalog, change) -> _Undo:
    today, after = clock.today(), change.after
    periods = uow.repo.plan_periods(customer.id)
    open_ended = [p for p in periods if p.valid_to is None]
    if not (len(open_ended) == 1 and open_ended[0].plan_code == after["plan"]
            and views.when(open_ended[0].valid_from) == after["effective_date"]):
        raise ChangedSince(f"The calling plan of {customer.account_number} has changed since this change; "
                           "nothing was changed.")
    wanted = change.before["periods"]

    def apply():
        keep = {(p["plan"], p["from"]): p for p in wanted}
        for p in periods:
            kept = keep.pop((p.plan_code, views.when(p.valid_from)), None)
            if kept is None:
                uow.repo.delete(p)        # what the change added
            else:
                p.valid_to = date.fromisoformat(kept["to"]) if kept["to"] else None
        for p in keep.values():           # a scheduled change the plan change had replaced
            uow.repo.add(orm.CustomerPlanRow(customer_id=customer.id, plan_code=p["plan"],
                                             valid_from=date.fromisoformat(p["from"]),
                                             valid_to=date.fromisoformat(p["to"]) if p["to"] else None))
    now = _periods_state([_period(p) for p in periods], today, catalog)
    restores = _periods_state(wanted, today, catalog)
    old, new = catalog.plan(change.before["plan"]), catalog.plan(after["plan"])
    if after.get("when") == "now":
        tell = [f"Your calling plan goes back from {new.name} to {old.name} (${old.monthly_fee} a month), "
                f"since {restores['since']} as before."]
    else:
        tell = [f"The change to {new.name} scheduled for {after['effective_date']} is dropped: you stay on "
                f"{old.name} (${old.monthly_fee} a month)."]
    if restores["scheduled"] and restores["scheduled"] != now["scheduled"]:
        tell.append(f"The change to {restores['scheduled']['plan']['name']} scheduled for "
                    f"{restores['scheduled']['from']} is scheduled again.")
    return _Undo(change, now, restores, [], apply, tell)


def _work_out_undo(uow, clock, customer, catalog, change, window_hours: float) -> _Undo:
    undo.check_window(change.at, clock.now(), window_hours)
    work = (_plan_undo if change.action == "change_plan" else _subscription_undo)(uow, clock, customer, catalog,
                                                                                 change)
    rows = [uow.repo.get(orm.BillingEntryRow, e["id"]) for e in (change.after or {}).get("billing_entries", [])]
    work.originals = [r for r in rows if r is not None]
    work.reversals = undo.reversals([undo.Entry(r.id, r.kind, r.amount, r.description) for r in work.originals])
    return work


def _money_lines(reversals, net, cycle) -> list[str]:
    if not reversals:
        return ["No money moves: the change wrote no charges or credits."]
    lines = []
    for r in reversals:
        what = undo.WHAT.get(r.reverses.kind, "entry reversed")
        side = "a charge" if r.amount > 0 else "a credit"
        lines.append(f"{what[0].upper() + what[1:]} (${abs(r.reverses.amount)}): {side} of ${abs(r.amount)}.")
    effect = (f"a credit of ${-net}" if net < 0 else f"a charge of ${net}" if net > 0 else "$0.00")
    lines.append(f"On your bill for the cycle {cycle.start} to {cycle.end} this nets to {effect}; together with "
                 "the change it cancels out to $0.00.")
    return lines


def _undo_quote(uow, clock, customer, catalog, work: _Undo, window_hours: float) -> dict:
    cycle = _cycle(customer, clock)
    net = undo.net(work.reversals)
    return {"change": _change_view(uow, catalog, work.change, window_hours),
            "now": work.now, "restores": work.restores,
            "reversals": [{"kind": r.kind, "amount": views.amount(r.amount), "description": r.description,
                           "reverses": {"id": r.reverses.id, "kind": r.reverses.kind,
                                        "amount": views.amount(r.reverses.amount),
                                        "description": r.reverses.description}} for r in work.reversals],
            "net_adjustment": views.amount(net),
            "bill": {"date": views.when(clock.today()), "cycle": views.cycle(cycle)},
            "tell_customer": [*work.tell, *_money_lines(work.reversals, net, cycle)]}


def last_change(uow, clock, actor: Actor, account_number: str, window_hours: float = 24.0) -> dict:
    """The account's last change and whether it can be undone now (and if not, why not)."""
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        last = uow.repo.latest_audit(account_number, undo.CHANGES)
        change = _change_view(uow, catalog, last, window_hours) if last else None
        try:
            _work_out_undo(uow, clock, customer, catalog, _find_change(uow, customer, None), window_hours)
        except Conflict as refused:
            return {"change": change, "undoable": False,
                    "reason": {"code": refused.code, "message": refused.message}}
        return {"change": change, "undoable": True, "reason": None}


def quote_undo(uow, clock, actor: Actor, account_number: str, audit_id: int | None = None,
               window_hours: float = 24.0) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        work = _work_out_undo(uow, clock, customer, catalog, _find_change(uow, customer, audit_id), window_hours)
        return _undo_quote(uow, clock, customer, catalog, work, window_hours)


def undo_last_change(uow, clock, actor: Actor, account_number: str, audit_id: int | None = None,
                     window_hours: float = 24.0) -> dict:
    """Puts the account back as before its last change and reverses the change's billing entries;
    audited as undo_<action> pointing at the change's audit entry."""
    with uow:
        customer = _account(uow, actor, account_number)
        catalog = uow.repo.catalog()
        change = _find_change(uow, customer, audit_id)
        work = _work_out_undo(uow, clock, customer, catalog, change, window_hours)
        quote = _undo_quote(uow, clock, customer, catalog, work, window_hours)
        work.apply()
        uow.repo.bump_version(customer)    # two simultaneous undos (or an undo and a change) cannot both apply
        originals = {r.id: r for r in work.originals}
        entries = [_bill(uow, customer, clock, r.kind, r.amount, r.description,
                         originals[r.reverses.id].subscription_id) for r in work.reversals]
        uow.flush()
        billed = [views.billing_entry(e) for e in entries if e is not None]
        subscription = plan = None
        if change.action == "change_plan":
            period, current = _plan_now(uow, customer, catalog, clock.today())
            plan = {**views.plan_ref(current), "kind": current.kind, "since": views.when(period.valid_from)}
            after = _periods_state([_period(p) for p in uow.repo.plan_periods(customer.id)], clock.today(), catalog)
        else:
            subscription = views.subscription(uow.repo.get(orm.SubscriptionRow, change.after["id"]), catalog)
            after = _sub_state(subscription)
        row = _audit(uow, clock, actor, undo.undo_action(change.action), account_number, work.now,
                     {**after, "billing_entries": billed, "net_adjustment": quote["net_adjustment"]},
                     reverses_id=change.id)
        uow.flush()
        result = {"undo": {"audit_id": row.id, "action": row.action, "reverses": change.id},
                  "subscription": subscription, "plan": plan, "quote": quote, "billing_entries": billed}
        return uow.commit(result)


# -- follow-ups, notifications, handoffs, audit ------------------------------------------------

def schedule_follow_up(uow, clock, actor: Actor, account_number: str, due_at: datetime, channel: str,
                       note: str) -> dict:
    with uow:
        customer = _account(uow, actor, account_number)
        if due_at <= clock.now():
            raise InvalidRequest("A follow-up must be due in the future.")
        row = orm.FollowUpRow(customer_id=customer.id, due_at=due_at, channel=channel, note=note,
                              status="scheduled", created_by=actor.subject, created_at=clock.now())
        uow.repo.add(row)
        uow.flush()
        result = views.follow_up(row)
        _audit(uow, clock, actor, "schedule_follow_up", account_number, None, result)
        return uow.commit(result)


def list_follow_ups(uow, actor: Actor, account_number: str) -> list[dict]:
    with uow:
        customer = _account(uow, actor, account_number)
        return [views.follow_up(r) for r in uow.repo.follow_ups(customer.id)]


def list_notifications(uow, actor: Actor, account_number: str) -> list[dict]:
    with uow:
        customer = _account(uow, actor, account_number)
        return [views.notification(r) for r in uow.repo.notifications(customer.id)]


def create_handoff(uow, clock, actor: Actor, conversation_id: str, account_number: str | None,
                   reason: str, summary: str) -> dict:
    with uow:
        if actor.role == "customer" and account_number is None:
            account_number = actor.subject
        if account_number is not None:
            _account(uow, actor, account_number)
        row = orm.HandoffRow(conversation_id=conversation_id, account_number=account_number, reason=reason,
                             summary=summary, status="waiting", created_by=actor.subject, created_at=clock.now())
        uow.repo.add(row)
        uow.flush()
        result = views.handoff(row)
        _audit(uow, clock, actor, "create_handoff", account_number, None, result)
        return uow.commit(result)


def list_handoffs(uow, actor: Actor, status: str | None = None) -> list[dict]:
    require_staff(actor)
    with uow:
        return [views.handoff(r) for r in uow.repo.handoffs(status)]


def _handoff(uow, handoff_id: int, for_update: bool = False) -> orm.HandoffRow:
    row = uow.repo.handoff(handoff_id, for_update=for_update)
    if row is None:
        raise NotFound(f"There is no handoff request #{handoff_id}.")
    return row


def _conversation_handoff(uow, actor: Actor, conversation_id: str) -> orm.HandoffRow:
    """The conversation's latest handoff. Knowing the conversation id is what lets a visitor in;
    a handoff about an account is also closed to anyone signed in as another customer."""
    row = uow.repo.latest_handoff(conversation_id)
    if row is None:
        raise NotFound("This conversation has not been handed to a person.")
    if row.account_number and actor.role not in STAFF and actor.subject != row.account_number:
        raise Forbidden("This conversation belongs to another account.")
    return row


def _with_messages(uow, row) -> dict:
    return {**views.handoff(row), "messages": [views.handoff_message(m) for m in uow.repo.handoff_messages(row.id)]}


def get_handoff(uow, actor: Actor, handoff_id: int) -> dict:
    require_staff(actor)
    with uow:
        return _with_messages(uow, _handoff(uow, handoff_id))


def conversation_handoff(uow, actor: Actor, conversation_id: str) -> dict:
    with uow:
        return _with_messages(uow, _conversation_handoff(uow, actor, conversation_id))


def take_handoff(uow, clock, actor: Actor, handoff_id: int) -> dict:
    _require_agent(actor)
    with uow:
        row = _handoff(uow, handoff_id, for_update=True)
        if row.status == "closed":
            raise Conflict("This handoff request is already closed.", code="handoff_closed")
        if row.taken_by and row.taken_by != actor.subject:
            raise Conflict(f"{row.taken_by_name} has already taken this conversation.", code="handoff_taken")
        before = views.handoff(row)
        if row.taken_by is None:
            agent = uow.repo.agent(actor.subject)
            row.status, row.taken_by, row.taken_at = "taken", actor.subject, clock.now()
            row.taken_by_name = agent.name if agent else actor.subject
            uow.flush()
            _audit(uow, clock, actor, "take_handoff", row.account_number, before, views.handoff(row))
        return uow.commit(_with_messages(uow, row))


def close_handoff(uow, clock, actor: Actor, handoff_id: int) -> dict:
    _require_agent(actor)
    with uow:
        row = _handoff(uow, handoff_id, for_update=True)
        if row.status != "closed":
            before = views.handoff(row)
            row.status = "closed"
            uow.flush()
            _audit(uow, clock, actor, "close_handoff", row.account_number, before, views.handoff(row))
        return uow.commit(_with_messages(uow, row))


def post_handoff_message(uow, clock, actor: Actor, text: str, handoff_id: int | None = None,
                         conversation_id: str | None = None) -> dict:
    """Agents write by handoff id; the customer (or visitor) by their conversation id."""
    # Each side has its own endpoint: the wrong one is refused (403), not looked up with no id.
    if (handoff_id is not None) != (actor.role == "agent"):
        raise Forbidden("Agents write by handoff id (/handoffs/{id}/messages); customers and visitors "
                        "by their conversation (/conversations/{id}/handoff/messages).")
    with uow:
        if actor.role == "agent":
            row = _handoff(uow, handoff_id, for_update=True)
            if row.taken_by != actor.subject:
                raise Conflict("Take the conversation before writing to the customer.", code="handoff_not_taken")
            name = row.taken_by_name
        else:
            row = _conversation_handoff(uow, actor, conversation_id)
            customer = uow.repo.customer(actor.subject) if actor.role == "customer" else None
            name = customer.name if customer else "Visitor"
        if row.status == "closed":
            raise Conflict("This conversation with a person has ended.", code="handoff_closed")
        message = orm.HandoffMessageRow(handoff_id=row.id, at=clock.now(), sender_role=actor.role,
                                        sender_name=name, text=text)
        uow.repo.add(message)
        uow.flush()
        return uow.commit(views.handoff_message(message))


def list_audit(uow, actor: Actor, account_number: str | None = None) -> list[dict]:
    require_staff(actor)
    with uow:
        return [views.audit(r) for r in uow.repo.audit(account_number)]


# -- activation worker --------------------------------------------------------------------------

def activate_due(uow, clock) -> list[dict]:
    """Pending subscriptions whose activation time has come go live, with a notification."""
    with uow:
        catalog = uow.repo.catalog()
        activated = []
        for row in uow.repo.due_subscriptions(clock.now()):
            before = views.subscription(row, catalog)
            row.status, row.activated_at = "active", clock.now()
            service = catalog.service(row.service_code)
            customer = uow.repo.customer_by_id(row.customer_id)
            message = f"Your {service.name} ({service.tier(row.tier_code).name}) is now live."
            uow.repo.add(orm.NotificationRow(customer_id=row.customer_id, created_at=clock.now(),
                                             kind="service_live", message=message, read=False))
            uow.flush()
            after = views.subscription(row, catalog)
            _audit(uow, clock, SYSTEM, "activate_service", customer.account_number, before, after)
            activated.append({"account_number": customer.account_number, "subscription": after,
                              "message": message})
        return uow.commit(activated)
