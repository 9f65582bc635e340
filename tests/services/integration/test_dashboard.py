"""The support dashboard: figures from a tracker store with Rasa's real schema and from the audit
log, who may see them, the CSV export, and what never leaves the services (tokens, conversation ids)."""
import csv
import dataclasses
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from quickconnect.adapters.tracker_store import make_readonly_engine
from quickconnect.entrypoints.api import create_app

from ..tracker_fixture import TrackerDb, token
from .conftest import bearer, key

NOVEMBER = "from=2026-11-01&to=2026-11-30"
MARIA_TOKEN, ANA_TOKEN = token("QC-1001", "customer"), token("agent-ana", "agent")
SENDERS = ("conv-customer-000001", "conv-visitor-0000002", "conv-agent-00000003", "conv-october-000004")
SAM = bearer("sup-sam", "supervisor")


@pytest.fixture
def tracker(tmp_path):
    db = TrackerDb(tmp_path / "tracker.db")
    maria, visitor, ana, old = SENDERS
    db.session(maria, "2026-11-20T09:00:00")
    db.user(maria, "2026-11-20T09:00:05", "how long does activation take", "faq", faq="activation_time",
            bearer=MARIA_TOKEN)
    db.user(maria, "2026-11-20T09:01:00", "cancel streammax", "cancel_service", bearer=MARIA_TOKEN)
    db.bot(maria, "2026-11-20T09:01:01", "Here's what this means for account QC-1001")
    db.session(visitor, "2026-11-20T10:00:00")
    db.user(visitor, "2026-11-20T10:00:05", "what's the weather like", "out_of_scope", 0.71, ranking=[("faq", 0.2)])
    db.user(visitor, "2026-11-20T10:01:00", '=HYPERLINK("http://evil.example")', "nlu_fallback", 0.6,
            ranking=[("modify_service", 0.4), ("out_of_scope", 0.3), ("affirm", 0.1), ("greet", 0.05)])
    db.user(visitor, "2026-11-20T10:02:00", "i want a person", "human_handoff")
    db.action(visitor, "2026-11-20T10:02:01", "action_human_handoff")
    db.session(ana, "2026-11-21T11:00:00")
    # Ana's conversation as stored now (who was signed in, no token); Maria's as stored before.
    db.user(ana, "2026-11-21T11:00:05", "when does the billing cycle start", "faq", faq="billing_cycle",
            signed_in=("agent", "agent-ana"))
    db.user(ana, "2026-11-21T11:01:00", "QC-1002 wants to cancel", "cancel_service", signed_in=("agent", "agent-ana"))
    db.session(maria, "2026-11-21T15:00:00")       # Maria again, after the session expired
    db.user(maria, "2026-11-21T15:00:05", "when will it be live", "faq", faq="activation_time", bearer=MARIA_TOKEN)
    db.session(old, "2026-10-01T08:00:00")          # before the range
    db.user(old, "2026-10-01T08:00:05", "hello", "greet")
    return db


@pytest.fixture
def dash(services, tracker):
    settings = dataclasses.replace(services.settings, tracker_db_url=f"sqlite:///{tracker.path}")
    with TestClient(create_app(dataclasses.replace(services, settings=settings)),
                    raise_server_exceptions=False) as client:
        # Changes as the assistant makes them (channel chat / agent_widget) and one on the web page.
        assert client.post("/customers/QC-1001/subscriptions/streammax_tv/cancel",
                           headers={**bearer("QC-1001"), **key(), "X-Channel": "chat"}).status_code == 200
        assert client.post("/customers/QC-1002/subscriptions/device_protection/modify", json={"tier": "plus"},
                           headers={**bearer("agent-ana", "agent"), **key(), "X-Channel": "agent_widget"}
                           ).status_code == 200
        assert client.post("/customers/QC-1001/subscriptions", json={"service": "hotspot_boost", "tier": "10gb"},
                           headers={**bearer("QC-1001"), **key(), "X-Channel": "web"}).status_code == 201
        yield client


def test_a_supervisor_sees_conversations_containment_faqs_handoffs_changes_and_fallbacks(dash):
    r = dash.get(f"/dashboard/summary?{NOVEMBER}", headers=SAM)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["from"], body["to"], body["channel"], body["tracker_store"]) == (
        "2026-11-01", "2026-11-30", "all", "ok")
    assert body["totals"] == {"conversations": 4, "contained": 3, "handed_off": 1, "containment_rate": 0.75,
                              "faq_answers": 3, "to_review": 2, "changes": 2, "undos": 0}
    days = {d["date"]: d for d in body["per_day"]}
    assert len(days) == 30
    assert days["2026-11-20"] == {"date": "2026-11-20", "conversations": 2, "contained": 1, "handed_off": 1,
                                  "faq_answers": 1, "to_review": 2, "changes": 0}
    assert days["2026-11-21"] == {"date": "2026-11-21", "conversations": 2, "contained": 2, "handed_off": 0,
                                  "faq_answers": 2, "to_review": 0, "changes": 2}
    assert body["faq_topics"] == [{"topic": "activation_time", "count": 2}, {"topic": "billing_cycle", "count": 1}]
    assert body["handoff_reasons"] == [{"reason": "human_handoff", "count": 1}]
    assert body["changes"] == [{"action": "cancel_service", "count": 1}, {"action": "modify_service", "count": 1}]
    fallback, out_of_scope = body["review"]          # newest first
    assert (fallback["intent"], fallback["text"], fallback["confidence"], fallback["channel"]) == (
        "nlu_fallback", '=HYPERLINK("http://evil.example")', 0.6, "chat")
    assert fallback["suggestions"] == ["modify_service", "affirm", "greet"]
    assert (out_of_scope["intent"], out_of_scope["text"], out_of_scope["at"]) == (
        "out_of_scope", "what's the weather like", "2026-11-20T10:00:05Z")
    assert fallback["conversation"] == out_of_scope["conversation"]   # the same conversation, by pseudonym


def test_filters_by_channel_and_date_range(dash):
    chat = dash.get(f"/dashboard/summary?{NOVEMBER}&channel=chat", headers=SAM).json()
    assert (chat["totals"]["conversations"], chat["totals"]["faq_answers"], chat["changes"]) == (
        3, 2, [{"action": "cancel_service", "count": 1}])
    widget = dash.get(f"/dashboard/summary?{NOVEMBER}&channel=agent_widget", headers=SAM).json()
    assert (widget["totals"]["conversations"], widget["faq_topics"], widget["changes"]) == (
        1, [{"topic": "billing_cycle", "count": 1}], [{"action": "modify_service", "count": 1}])
    one_day = dash.get("/dashboard/summary?from=2026-11-20&to=2026-11-20", headers=SAM).json()
    assert (one_day["totals"]["conversations"], one_day["totals"]["changes"], len(one_day["per_day"])) == (2, 0, 1)
    october = dash.get("/dashboard/summary?from=2026-10-01&to=2026-10-31", headers=SAM).json()
    assert october["totals"]["conversations"] == 1 and october["totals"]["containment_rate"] == 1.0


@pytest.mark.parametrize("query", ["from=2026-11-30&to=2026-11-01", "from=2025-01-01&to=2026-11-30",
                                   "channel=web", "from=yesterday"])
def test_a_bad_range_or_channel_is_a_clear_422(dash, query):
    r = dash.get(f"/dashboard/summary?{query}", headers=SAM)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")


def test_the_default_range_is_the_last_30_days(dash):
    body = dash.get("/dashboard/summary", headers=SAM).json()
    assert len(body["per_day"]) == 30 and body["per_day"][-1]["date"] == body["to"]


def test_csv_export_daily_and_review_rows_with_formulas_defused(dash):
    r = dash.get(f"/dashboard/export.csv?{NOVEMBER}", headers=bearer("agent-ana", "agent"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="quickconnect-daily-2026-11-01-to-2026-11-30.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 30
    assert rows[19] == {"date": "2026-11-20", "conversations": "2", "contained": "1", "handed_off": "1",
                        "faq_answers": "1", "to_review": "2", "changes": "0"}
    review = list(csv.DictReader(io.StringIO(dash.get(f"/dashboard/export.csv?{NOVEMBER}&kind=review",
                                                      headers=SAM).text)))
    assert [row["text"] for row in review] == ['\'=HYPERLINK("http://evil.example")', "what's the weather like"]
    assert review[0]["suggestions"] == "modify_service affirm greet"


def test_no_token_or_conversation_id_leaves_the_services(dash):
    shown = dash.get(f"/dashboard/summary?{NOVEMBER}", headers=SAM).text
    shown += dash.get(f"/dashboard/export.csv?{NOVEMBER}&kind=review", headers=SAM).text
    shown += dash.get(f"/dashboard/export.csv?{NOVEMBER}", headers=SAM).text
    for secret in (MARIA_TOKEN, ANA_TOKEN, *SENDERS, "eyJ"):
        assert secret not in shown


def test_customers_and_visitors_cannot_see_the_dashboard(dash):
    for headers, status in ((bearer("QC-1001"), 403), ({}, 401)):
        for path in ("/dashboard/summary", "/dashboard/export.csv"):
            r = dash.get(path, headers=headers)
            assert r.status_code == status and set(r.json()) == {"error"}


def test_without_a_tracker_store_the_dashboard_still_shows_the_audit_log(services, tmp_path):
    missing = tmp_path / "not-created-yet.db"
    settings = dataclasses.replace(services.settings, tracker_db_url=f"sqlite:///{missing}")
    with TestClient(create_app(dataclasses.replace(services, settings=settings))) as client:
        client.post("/customers/QC-1001/subscriptions/streammax_tv/cancel",
                    headers={**bearer("QC-1001"), **key(), "X-Channel": "chat"})
        body = client.get(f"/dashboard/summary?{NOVEMBER}", headers=SAM).json()
    assert body["tracker_store"] == "unavailable"
    assert (body["totals"]["conversations"], body["totals"]["changes"]) == (0, 1)
    assert not missing.exists()          # read-only: the services never create Rasa's database


def test_the_tracker_store_is_opened_read_only(tracker):
    engine = make_readonly_engine(f"sqlite:///{tracker.path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() > 0
        with pytest.raises(OperationalError, match="readonly"):
            conn.exec_driver_sql("DELETE FROM events")
    engine.dispose()


def test_a_supervisor_signs_in_reads_the_audit_log_and_changes_nothing(dash):
    r = dash.post("/auth/token", json={"agent_id": "sup-sam", "password": "sam-demo-pass"})
    assert (r.status_code, r.json()["role"], r.json()["name"]) == (200, "supervisor", "Sam Whitfield")
    sam = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert [a["action"] for a in dash.get("/audit?account=QC-1001", headers=sam).json()] == [
        "cancel_service", "add_service"]
    r = dash.post("/customers/QC-1002/subscriptions/device_protection/cancel", headers={**sam, **key()})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "forbidden")
    assert len(dash.get("/audit?account=QC-1002", headers=sam).json()) == 1
