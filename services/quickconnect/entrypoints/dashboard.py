"""The support dashboard's endpoints (agents and supervisors; docs/API.md "Support dashboard"):
the figures as JSON and as CSV. The tracker store is opened read-only once per process."""

import csv
import io
from datetime import date
from typing import Annotated, Literal, Optional

from fastapi import Depends, FastAPI, Query
from fastapi.responses import Response

from ..adapters.tracker_store import TrackerStore
from ..bootstrap import Services
from ..service_layer import dashboard
from ..service_layer.handlers import Actor

From = Annotated[Optional[date], Query(alias="from", description="First UTC day, default 29 days before 'to'")]
To = Annotated[Optional[date], Query(alias="to", description="Last UTC day (inclusive), default today")]
Channel = Annotated[Optional[Literal["chat", "agent_widget"]],
                    Query(description="chat: customers and visitors; agent_widget: agents. Default: both")]
COLUMNS = {"daily": ["date", "conversations", "contained", "handed_off", "faq_answers", "to_review", "changes"],
           "review": ["at", "conversation", "channel", "intent", "confidence", "text", "suggestions"]}


def _cell(value) -> str:
    text = " ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula; what a user typed must stay text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(row[c]) for c in columns] for row in rows)
    return out.getvalue()


def mount_dashboard(app: FastAPI, services: Services, caller) -> None:
    tracker = TrackerStore(services.settings.tracker_db_url, services.settings.db_busy_timeout_seconds)
    Caller = Annotated[Actor, Depends(caller)]

    @app.get("/dashboard/summary", tags=["dashboard"])
    def summary(actor: Caller, start: From = None, end: To = None, channel: Channel = None):
        return dashboard.summary(services.uow(), tracker, services.clock, actor, start, end, channel)

    @app.get("/dashboard/export.csv", tags=["dashboard"], response_class=Response,
             responses={200: {"content": {"text/csv": {}}}})
    def export(actor: Caller, start: From = None, end: To = None, channel: Channel = None,
               kind: Literal["daily", "review"] = "daily"):
        figures = dashboard.figures(services.uow(), tracker, services.clock, actor, start, end, channel)
        rows = figures["per_day"] if kind == "daily" else figures["review"]
        name = f"quickconnect-{kind}-{figures['from']}-to-{figures['to']}.csv"
        return Response(to_csv(COLUMNS[kind], rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
