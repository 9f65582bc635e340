"""The one HTTP client: headers, typed errors, and retries that can never double a write."""
import pytest
import requests
import responses

from actions.api.services import ServicesClient, ServicesRejected, ServicesUnavailable
from tests.assistant.unit.conftest import URL


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr("actions.api.services.time.sleep", lambda s: None)


@responses.activate
def test_write_sends_token_channel_and_idempotency_key():
    responses.post(f"{URL}/customers/QC-1001/subscriptions/streammax_tv/cancel", json={"subscription": {}}, status=200)
    ServicesClient(token="tok", channel="agent_widget").cancel_service("QC-1001", "streammax_tv", "key-1")
    sent = responses.calls[0].request.headers
    assert sent["Authorization"] == "Bearer tok"
    assert sent["Idempotency-Key"] == "key-1"
    assert sent["X-Channel"] == "agent_widget"


@responses.activate
def test_rejection_carries_code_message_and_suggestions():
    responses.post(f"{URL}/customers/QC-1001/subscriptions/quote", status=404,
                   json={"error": {"code": "unknown_service", "message": "No service named 'Stream'.", "suggestions": ["StreamMax TV"]}})
    with pytest.raises(ServicesRejected) as err:
        ServicesClient().quote_subscription("QC-1001", "add", "Stream", None)
    assert (err.value.status, err.value.code, err.value.suggestions) == (404, "unknown_service", ["StreamMax TV"])
    assert len(responses.calls) == 1  # a 4xx is an answer, never retried


@responses.activate
def test_read_is_retried_after_a_connection_error():
    responses.get(f"{URL}/catalog/plans", body=requests.ConnectionError("refused"))
    responses.get(f"{URL}/catalog/plans", json=[{"code": "x"}])
    assert ServicesClient().catalog_plans() == [{"code": "x"}]
    assert len(responses.calls) == 2


@responses.activate
def test_write_retried_with_the_same_key_and_reported_as_maybe_applied_on_timeouts():
    path = f"{URL}/customers/QC-1001/plan/change"
    for _ in range(3):
        responses.post(path, body=requests.ReadTimeout("slow"))
    with pytest.raises(ServicesUnavailable) as err:
        ServicesClient().change_plan("QC-1001", "World Unlimited", "now", "key-7")
    assert err.value.maybe_applied is True
    assert {c.request.headers["Idempotency-Key"] for c in responses.calls} == {"key-7"}


@responses.activate
def test_connection_refused_means_nothing_was_applied():
    responses.post(f"{URL}/customers/QC-1001/subscriptions", body=requests.ConnectionError("refused"))
    with pytest.raises(ServicesUnavailable) as err:
        ServicesClient().add_service("QC-1001", "Cloud Backup", "50 GB", "key-2")
    assert err.value.maybe_applied is False


@responses.activate
def test_a_503_on_a_write_means_nothing_written_but_a_500_may_hide_one():
    path = f"{URL}/customers/QC-1001/subscriptions"
    responses.post(path, status=503, json={"error": {"code": "unavailable", "message": "database busy"}})
    with pytest.raises(ServicesUnavailable) as err:
        ServicesClient().add_service("QC-1001", "Cloud Backup", "50 GB", "key-3")
    assert err.value.maybe_applied is False and len(responses.calls) == 3
    responses.replace(responses.POST, path, status=500, body="boom")
    with pytest.raises(ServicesUnavailable) as err:
        ServicesClient().add_service("QC-1001", "Cloud Backup", "50 GB", "key-4")
    assert err.value.maybe_applied is True


@responses.activate
def test_server_error_and_malformed_json_are_unavailable_not_crashes():
    responses.get(f"{URL}/catalog/services", status=500, body="boom")
    with pytest.raises(ServicesUnavailable):
        ServicesClient().catalog_services()
    responses.replace(responses.GET, f"{URL}/catalog/services", status=200, body="<html>not json")
    with pytest.raises(ServicesUnavailable):
        ServicesClient().catalog_services()


@responses.activate
def test_path_segments_are_escaped():
    responses.get(f"{URL}/customers/QC-1001%2F..%2Fadmin", json={})
    ServicesClient().customer("QC-1001/../admin")
    assert responses.calls[0].request.url.endswith("/customers/QC-1001%2F..%2Fadmin")
