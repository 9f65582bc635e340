"""Load the catalog and the demo data (seed/*.yml). Idempotent: the catalog is brought in line
with the file, demo agents and customers are created only when missing."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable

import yaml

from ..adapters import orm
from ..adapters.passwords import hash_secret
from ..domain.money import cycle_for
from ..domain.usage import call_costs
from .handlers import countries

SETTINGS = ("pay_per_minute_rates", "blocked_countries", "country_aliases", "fee_terms")


def _sync(uow, model, key, values: dict) -> str:
    """Insert the row or update the fields that differ; say which."""
    row = uow.repo.get(model, key)
    if row is None:
        uow.repo.add(model(**values))
        return "new"
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for k in changed:
        setattr(row, k, values[k])
    return "updated" if changed else "unchanged"


def _count(results: list[str]) -> str:
    return ", ".join(f"{results.count(k)} {k}" for k in ("new", "updated", "unchanged") if results.count(k))


def seed_catalog(uow, catalog_yml: dict, say: Callable[[str], None]) -> list[str]:
    services, tiers, plans = [], [], []
    for s in catalog_yml["services"]:
        services.append(_sync(uow, orm.ServiceRow, s["code"], dict(
            code=s["code"], name=s["name"], description=s["description"],
            activation_hours=s["activation_hours"], minimum_term_months=s["minimum_term_months"],
            modification_fee=Decimal(s["modification_fee"]), cancellation_fee=Decimal(s["cancellation_fee"]),
            aliases=list(s.get("aliases", [])))))
        uow.flush()   # tiers reference the service
        for position, t in enumerate(s["tiers"]):
            tiers.append(_sync(uow, orm.TierRow, (s["code"], t["code"]), dict(
                service_code=s["code"], code=t["code"], name=t["name"],
                monthly_price=Decimal(t["monthly_price"]), position=position)))
    for p in catalog_yml["plans"]:
        plans.append(_sync(uow, orm.PlanRow, p["code"], dict(
            code=p["code"], name=p["name"], kind=p["kind"], monthly_fee=Decimal(p["monthly_fee"]),
            included_minutes=p["included_minutes"], fair_use_minutes=p["fair_use_minutes"],
            overage_rate=Decimal(p["overage_rate"]) if p["overage_rate"] is not None else None,
            regions=p["region"], restrictions=list(p["restrictions"]), aliases=list(p.get("aliases", [])))))
    settings = [_sync(uow, orm.CatalogSetting, key, dict(key=key, value=catalog_yml[key])) for key in SETTINGS]
    say(f"catalog: {len(services)} services ({_count(services)}), {len(tiers)} tiers ({_count(tiers)}), "
        f"{len(plans)} plans ({_count(plans)}), {len(settings)} settings ({_count(settings)})")
    return services + tiers + plans + settings


def seed_demo(uow, demo_yml: dict, clock, say: Callable[[str], None]) -> list[str]:
    results = []
    for a in demo_yml["agents"]:
        if uow.repo.agent(a["agent_id"]) is not None:
            say(f"agent {a['agent_id']}: already there")
            results.append("unchanged")
            continue
        uow.repo.add(orm.AgentRow(agent_id=a["agent_id"], name=a["name"], role=a["role"],
                                  password_hash=hash_secret(a["password"])))
        say(f"agent {a['agent_id']}: created")
        results.append("new")
    catalog = uow.repo.catalog()
    directory = countries(catalog)
    today, now = clock.today(), clock.now()
    for c in demo_yml["customers"]:
        if uow.repo.customer(c["account_number"]) is not None:
            say(f"customer {c['account_number']}: already there, left as it is")
            results.append("unchanged")
            continue
        customer = orm.CustomerRow(account_number=c["account_number"], name=c["name"],
                                   pin_hash=hash_secret(str(c["pin"])), billing_cycle_day=c["billing_cycle_day"],
                                   uses_online_account=c["uses_online_account"])
        uow.repo.add(customer)
        uow.flush()
        plan = catalog.plan(c["plan"]["code"])
        uow.repo.add(orm.CustomerPlanRow(customer_id=customer.id, plan_code=plan.code,
                                         valid_from=today - timedelta(days=c["plan"]["since_days_ago"])))
        cycle = cycle_for(customer.billing_cycle_day, today)
        _charge(uow, customer, cycle.start, plan.monthly_fee, f"{plan.name} monthly fee", now)
        for s in c["subscriptions"]:
            service = catalog.service(s["service"])
            tier = service.tier(s["tier"])
            started = today - timedelta(days=s["started_days_ago"])
            sub = orm.SubscriptionRow(customer_id=customer.id, service_code=service.code, tier_code=tier.code,
                                      status=s["status"], started_on=started)
            if s["status"] == "active":
                sub.activated_at = sub.activates_at = _at(started) + timedelta(hours=service.activation_hours)
                _charge(uow, customer, cycle.start, tier.monthly_price, f"{service.name} ({tier.name}) monthly charge", now)
            else:
                sub.activates_at = now + timedelta(hours=service.activation_hours)
            uow.repo.add(sub)
        calls = sorted(((directory.resolve(code), minutes, today - timedelta(days=ago))
                        for code, minutes, ago in c["usage"]), key=lambda call: call[2])
        # Each cycle's calls use up the plan's allowance in the order they were made.
        by_cycle: dict = {}
        for call in calls:
            by_cycle.setdefault(cycle_for(customer.billing_cycle_day, call[2]), []).append(call)
        for group in by_cycle.values():
            for (country, minutes, day), cost in zip(group, call_costs(catalog, plan, [g[:2] for g in group])):
                uow.repo.add(orm.UsageRow(customer_id=customer.id, country_code=country.code, minutes=minutes,
                                          cost=cost, called_on=day))
        say(f"customer {c['account_number']} ({c['name']}): created with {plan.name}, "
            f"{len(c['subscriptions'])} subscriptions, {len(calls)} usage records")
        results.append("new")
    return results


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=9)


def _charge(uow, customer, day, amount, description, now) -> None:
    if amount:
        uow.repo.add(orm.BillingEntryRow(customer_id=customer.id, date=day, kind="monthly_charge", amount=amount,
                                         description=description, created_at=now))


def seed(uow, seed_dir: Path, clock, say: Callable[[str], None] = print) -> bool:
    """Returns True when something changed."""
    catalog_yml = yaml.safe_load((seed_dir / "catalog.yml").read_text())
    demo_yml = yaml.safe_load((seed_dir / "demo.yml").read_text())
    with uow:
        results = seed_catalog(uow, catalog_yml, say)
        uow.flush()
        results += seed_demo(uow, demo_yml, clock, say)
        changed = any(r != "unchanged" for r in results)
        uow.commit()
    say("seed: done" if changed else "seed: nothing to change, the database already holds this data")
    return changed
