"""Database tables (SQLAlchemy 2 declarative). The same models run on SQLite and PostgreSQL.

Money is stored as integer cents (exact on both databases) and read back as Decimal.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, ForeignKeyConstraint, Index,
                        Integer, String, Text, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ..domain.money import CENT, money


class Money(TypeDecorator):
    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else int(money(value) / CENT)

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) * CENT).quantize(CENT)


class Base(DeclarativeBase):
    pass


class ServiceRow(Base):
    __tablename__ = "services"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text)
    activation_hours: Mapped[int]
    minimum_term_months: Mapped[int]
    modification_fee: Mapped[Decimal] = mapped_column(Money)
    cancellation_fee: Mapped[Decimal] = mapped_column(Money)
    aliases: Mapped[list] = mapped_column(JSON)


class TierRow(Base):
    __tablename__ = "tiers"
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    monthly_price: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int]


class PlanRow(Base):
    __tablename__ = "plans"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    monthly_fee: Mapped[Decimal] = mapped_column(Money)
    included_minutes: Mapped[int | None]
    fair_use_minutes: Mapped[int | None]
    overage_rate: Mapped[Decimal | None] = mapped_column(Money)
    regions: Mapped[list | None] = mapped_column(JSON)
    restrictions: Mapped[list] = mapped_column(JSON)
    aliases: Mapped[list] = mapped_column(JSON)


class CatalogSetting(Base):
    """Catalog-wide values: pay-per-minute rates, blocked countries, country aliases, fee terms."""
    __tablename__ = "catalog_settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict | list] = mapped_column(JSON)


class CustomerRow(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    pin_hash: Mapped[str] = mapped_column(String(200))
    billing_cycle_day: Mapped[int]
    uses_online_account: Mapped[bool] = mapped_column(Boolean)
    # Bumped by the code on every plan change (repository.bump_version): two simultaneous plan
    # changes cannot both apply. The UPDATE checks the version read; a mismatch is StaleDataError.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class AgentRow(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))


class CustomerPlanRow(Base):
    """A customer's calling plan over a period; valid_to is None for the open-ended one."""
    __tablename__ = "customer_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    tier_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))   # pending_activation | active | cancelled
    started_on: Mapped[date] = mapped_column(Date)
    activates_at: Mapped[datetime | None] = mapped_column(DateTime)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        ForeignKeyConstraint(["service_code", "tier_code"], ["tiers.service_code", "tiers.code"]),
        # At most one live subscription per service and customer, even under concurrent adds.
        Index("uq_live_subscription", "customer_id", "service_code", unique=True,
              sqlite_where=text("status != 'cancelled'"),
              postgresql_where=text("status != 'cancelled'")),
    )


class UsageRow(Base):
    __tablename__ = "usage_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    minutes: Mapped[int]
    cost: Mapped[Decimal] = mapped_column(Money)
    called_on: Mapped[date] = mapped_column(Date)


class BillingEntryRow(Base):
    __tablename__ = "billing_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    amount: Mapped[Decimal] = mapped_column(Money)      # negative = credit to the customer
    description: Mapped[str] = mapped_column(Text)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class FollowUpRow(Base):
    __tablename__ = "follow_ups"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(20))   # call | message
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class NotificationRow(Base):
    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    read: Mapped[bool] = mapped_column(Boolean)


class HandoffRow(Base):
    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    account_number: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    taken_by: Mapped[str | None] = mapped_column(String(40))         # agent id once a person takes over
    taken_by_name: Mapped[str | None] = mapped_column(String(120))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)


class HandoffMessageRow(Base):
    """What the customer and the agent say to each other once a person has taken over."""
    __tablename__ = "handoff_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    sender_role: Mapped[str] = mapped_column(String(20))   # customer | anonymous | agent
    sender_name: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    """Append-only: the code inserts audit rows and never updates or deletes them."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))       # customer | agent | system
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    account_number: Mapped[str | None] = mapped_column(String(20), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # An undo points at the change it reverses; unique, so a change is reversed at most once
    # even when two undos race (the second insert fails and becomes concurrent_change).
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("audit_log.id"), unique=True)


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    body_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    response: Mapped[dict | list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_caller_key"),)
