"""Repository: the queries the service layer needs, over one SQLAlchemy session.

tests/services/unit/fakes.py holds the in-memory twin used by the service-layer tests.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.catalog import Catalog, Plan, Service, Tier
from . import orm


def catalog_from_rows(services, tiers, plans, settings: dict) -> Catalog:
    by_service: dict[str, list] = {}
    for t in sorted(tiers, key=lambda t: t.position):
        by_service.setdefault(t.service_code, []).append(Tier(t.code, t.name, t.monthly_price))
    return Catalog(
        services=[Service(s.code, s.name, s.description, s.activation_hours, s.minimum_term_months,
                          s.modification_fee, s.cancellation_fee, tuple(by_service.get(s.code, ())),
                          tuple(s.aliases or ())) for s in services],
        plans=[Plan(p.code, p.name, p.kind, p.monthly_fee, p.included_minutes, p.fair_use_minutes,
                    p.overage_rate, tuple(p.regions) if p.regions is not None else None,
                    tuple(p.restrictions or ()), tuple(p.aliases or ())) for p in plans],
        pay_per_minute_rates={k: Decimal(v) for k, v in settings.get("pay_per_minute_rates", {}).items()},
        blocked_countries=frozenset(settings.get("blocked_countries", [])),
        country_aliases=dict(settings.get("country_aliases", {})),
        fee_terms=dict(settings.get("fee_terms", {})),
    )


class SqlAlchemyRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, row) -> None:
        self.session.add(row)

    def get(self, model, key):
        return self.session.get(model, key)

    def delete(self, row) -> None:
        self.session.delete(row)

    def bump_version(self, row) -> None:
        """The UPDATE at flush checks the version that was read and writes this one."""
        row.version += 1

    def ping(self) -> None:
        self.session.execute(select(1))

    def catalog(self) -> Catalog:
        s = self.session
        return catalog_from_rows(
            s.scalars(select(orm.ServiceRow).order_by(orm.ServiceRow.name)).all(),
            s.scalars(select(orm.TierRow)).all(),
            s.scalars(select(orm.PlanRow).order_by(orm.PlanRow.monthly_fee.desc())).all(),
            {row.key: row.value for row in s.scalars(select(orm.CatalogSetting))},
        )

    def customer(self, account_number: str, for_update: bool = False) -> orm.CustomerRow | None:
        query = select(orm.CustomerRow).where(orm.CustomerRow.account_number == account_number)
        if for_update:
            # A row lock on PostgreSQL (ignored by SQLite, where writes are serialised anyway).
            query = query.with_for_update()
        return self.session.scalars(query).first()

    def customer_by_id(self, customer_id: int) -> orm.CustomerRow | None:
        return self.session.get(orm.CustomerRow, customer_id)

    def agent(self, agent_id: str) -> orm.AgentRow | None:
        return self.session.scalars(select(orm.AgentRow).where(orm.AgentRow.agent_id == agent_id)).first()

    def subscriptions(self, customer_id: int) -> list[orm.SubscriptionRow]:
        return list(self.session.scalars(
            select(orm.SubscriptionRow).where(orm.SubscriptionRow.customer_id == customer_id)
            .order_by(orm.SubscriptionRow.started_on.desc(), orm.SubscriptionRow.id.desc())))

    def due_subscriptions(self, now: datetime) -> list[orm.SubscriptionRow]:
        return list(self.session.scalars(
            select(orm.SubscriptionRow).where(orm.SubscriptionRow.status == "pending_activation",
                                              orm.SubscriptionRow.activates_at <= now)))

    def plan_periods(self, customer_id: int) -> list[orm.CustomerPlanRow]:
        return list(self.session.scalars(
            select(orm.CustomerPlanRow).where(orm.CustomerPlanRow.customer_id == customer_id)
            .order_by(orm.CustomerPlanRow.valid_from, orm.CustomerPlanRow.id)))

    def usage(self, customer_id: int, start: date, end: date) -> list[orm.UsageRow]:
        return list(self.session.scalars(
            select(orm.UsageRow).where(orm.UsageRow.customer_id == customer_id,
                                       orm.UsageRow.called_on >= start, orm.UsageRow.called_on <= end)
            .order_by(orm.UsageRow.called_on, orm.UsageRow.id)))

    def billing(self, customer_id: int) -> list[orm.BillingEntryRow]:
        return list(self.session.scalars(
            select(orm.BillingEntryRow).where(orm.BillingEntryRow.customer_id == customer_id)
            .order_by(orm.BillingEntryRow.date.desc(), orm.BillingEntryRow.id.desc())))

    def follow_ups(self, customer_id: int) -> list[orm.FollowUpRow]:
        return list(self.session.scalars(
            select(orm.FollowUpRow).where(orm.FollowUpRow.customer_id == customer_id)
            .order_by(orm.FollowUpRow.due_at)))

    def notifications(self, customer_id: int) -> list[orm.NotificationRow]:
        return list(self.session.scalars(
            select(orm.NotificationRow).where(orm.NotificationRow.customer_id == customer_id)
            .order_by(orm.NotificationRow.created_at.desc(), orm.NotificationRow.id.desc())))

    def handoffs(self, status: str | None = None) -> list[orm.HandoffRow]:
        query = select(orm.HandoffRow).order_by(orm.HandoffRow.created_at, orm.HandoffRow.id)
        if status:
            query = query.where(orm.HandoffRow.status == status)
        return list(self.session.scalars(query))

    def handoff(self, handoff_id: int, for_update: bool = False) -> orm.HandoffRow | None:
        query = select(orm.HandoffRow).where(orm.HandoffRow.id == handoff_id)
        return self.session.scalars(query.with_for_update() if for_update else query).first()

    def latest_handoff(self, conversation_id: str) -> orm.HandoffRow | None:
        return self.session.scalars(
            select(orm.HandoffRow).where(orm.HandoffRow.conversation_id == conversation_id)
            .order_by(orm.HandoffRow.id.desc())).first()

    def handoff_messages(self, handoff_id: int) -> list[orm.HandoffMessageRow]:
        return list(self.session.scalars(
            select(orm.HandoffMessageRow).where(orm.HandoffMessageRow.handoff_id == handoff_id)
            .order_by(orm.HandoffMessageRow.id)))

    def audit(self, account_number: str | None = None) -> list[orm.AuditRow]:
        query = select(orm.AuditRow).order_by(orm.AuditRow.id)
        if account_number:
            query = query.where(orm.AuditRow.account_number == account_number)
        return list(self.session.scalars(query))

    def latest_audit(self, account_number: str, actions) -> orm.AuditRow | None:
        """The account's newest audit entry with one of these actions."""
        return self.session.scalars(select(orm.AuditRow).where(
            orm.AuditRow.account_number == account_number, orm.AuditRow.action.in_(list(actions)))
            .order_by(orm.AuditRow.id.desc()).limit(1)).first()

    def audit_between(self, since: datetime, until: datetime) -> list[orm.AuditRow]:
        return list(self.session.scalars(select(orm.AuditRow).where(
            orm.AuditRow.at >= since, orm.AuditRow.at < until).order_by(orm.AuditRow.id)))

    def idempotency_key(self, caller: str, key: str) -> orm.IdempotencyKeyRow | None:
        return self.session.scalars(select(orm.IdempotencyKeyRow).where(
            orm.IdempotencyKeyRow.caller == caller, orm.IdempotencyKeyRow.key == key)).first()
