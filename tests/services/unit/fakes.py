"""In-memory twins of the repository and unit of work (fakes, not mocks)."""
from __future__ import annotations

from itertools import count

from sqlalchemy import inspect

from quickconnect.adapters import orm
from quickconnect.adapters.repository import catalog_from_rows
from quickconnect.service_layer.unit_of_work import AbstractUnitOfWork


class FakeRepository:
    def __init__(self):
        self.rows: list = []
        self._ids = count(1)

    def _of(self, model, **where):
        return [r for r in self.rows if isinstance(r, model) and all(getattr(r, k) == v for k, v in where.items())]

    def add(self, row) -> None:
        if hasattr(type(row), "id") and getattr(row, "id", None) is None:
            row.id = next(self._ids)
        if hasattr(type(row), "version") and getattr(row, "version", None) is None:
            row.version = 1
        self.rows.append(row)

    def get(self, model, key):
        names = [c.key for c in inspect(model).primary_key]
        values = key if isinstance(key, tuple) else (key,)
        found = self._of(model, **dict(zip(names, values)))
        return found[0] if found else None

    def delete(self, row) -> None:
        self.rows.remove(row)

    def bump_version(self, row) -> None:
        row.version += 1

    def catalog(self):
        settings = {s.key: s.value for s in self._of(orm.CatalogSetting)}
        return catalog_from_rows(sorted(self._of(orm.ServiceRow), key=lambda s: s.name), self._of(orm.TierRow),
                                 sorted(self._of(orm.PlanRow), key=lambda p: -p.monthly_fee), settings)

    def customer(self, account_number, for_update=False):
        return next(iter(self._of(orm.CustomerRow, account_number=account_number)), None)

    def customer_by_id(self, customer_id):
        return next(iter(self._of(orm.CustomerRow, id=customer_id)), None)

    def agent(self, agent_id):
        return next(iter(self._of(orm.AgentRow, agent_id=agent_id)), None)

    def subscriptions(self, customer_id):
        return sorted(self._of(orm.SubscriptionRow, customer_id=customer_id),
                      key=lambda r: (r.started_on, r.id), reverse=True)

    def due_subscriptions(self, now):
        return [r for r in self._of(orm.SubscriptionRow, status="pending_activation") if r.activates_at <= now]

    def plan_periods(self, customer_id):
        return sorted(self._of(orm.CustomerPlanRow, customer_id=customer_id), key=lambda r: (r.valid_from, r.id))

    def usage(self, customer_id, start, end):
        return [r for r in self._of(orm.UsageRow, customer_id=customer_id) if start <= r.called_on <= end]

    def billing(self, customer_id):
        return sorted(self._of(orm.BillingEntryRow, customer_id=customer_id), key=lambda r: (r.date, r.id),
                      reverse=True)

    def follow_ups(self, customer_id):
        return self._of(orm.FollowUpRow, customer_id=customer_id)

    def notifications(self, customer_id):
        return self._of(orm.NotificationRow, customer_id=customer_id)

    def handoffs(self, status=None):
        return self._of(orm.HandoffRow, **({"status": status} if status else {}))

    def handoff(self, handoff_id, for_update=False):
        return next(iter(self._of(orm.HandoffRow, id=handoff_id)), None)

    def latest_handoff(self, conversation_id):
        rows = self._of(orm.HandoffRow, conversation_id=conversation_id)
        return max(rows, key=lambda r: r.id) if rows else None

    def handoff_messages(self, handoff_id):
        return self._of(orm.HandoffMessageRow, handoff_id=handoff_id)

    def audit(self, account_number=None):
        return self._of(orm.AuditRow, **({"account_number": account_number} if account_number else {}))

    def latest_audit(self, account_number, actions):
        rows = [r for r in self._of(orm.AuditRow, account_number=account_number) if r.action in actions]
        return max(rows, key=lambda r: r.id) if rows else None

    def audit_between(self, since, until):
        return [r for r in self._of(orm.AuditRow) if since <= r.at < until]

    def idempotency_key(self, caller, key):
        return next(iter(self._of(orm.IdempotencyKeyRow, caller=caller, key=key)), None)


class FakeUnitOfWork(AbstractUnitOfWork):
    def __init__(self, repo: FakeRepository | None = None):
        super().__init__()
        self.repo = repo or FakeRepository()
        self.commits = 0

    def _commit(self) -> None:
        self.commits += 1

    def rollback(self) -> None:
        pass
