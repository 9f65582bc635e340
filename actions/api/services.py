"""The one module that talks HTTP to the QuickConnect services (contract: docs/API.md).

Reads are retried on connection errors and timeouts; writes are retried only because every write
carries an Idempotency-Key, so a retry after a lost response returns the first result instead of
applying the change twice. Failures become two typed errors the actions turn into plain replies.
"""
import logging
import time
from typing import Any, Dict, List, Optional

import requests

from actions import config

log = logging.getLogger(__name__)


class ServicesUnavailable(Exception):
    """The services could not be reached, timed out, failed (5xx) or answered nonsense.

    `maybe_applied` is true only when a write may have reached the services before the failure
    (a timeout or a 5xx after the request was sent): the reply must not claim nothing changed.
    """

    def __init__(self, reason: str, maybe_applied: bool = False):
        super().__init__(reason)
        self.maybe_applied = maybe_applied


class ServicesRejected(Exception):
    """The services refused the request (4xx) with a message meant for a person."""

    def __init__(self, status: int, code: str, message: str, suggestions: Optional[List[str]] = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.suggestions = suggestions or []


class ServicesClient:
    def __init__(self, token: Optional[str] = None, channel: str = "chat",
                 base_url: str = config.SERVICES_URL, session: Optional[requests.Session] = None):
        self.base_url = base_url
        self.token = token
        self.channel = channel
        self.session = session or requests.Session()

    # --- transport -------------------------------------------------------------------------
    def _request(self, method: str, path: str, *, json: Any = None, params: Any = None,
                 idempotency_key: Optional[str] = None) -> Any:
        headers = {"X-Channel": self.channel, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        is_write = idempotency_key is not None
        attempts = 1 + config.RETRIES
        last: Optional[ServicesUnavailable] = None
        for attempt in range(attempts):
            if attempt:
                time.sleep(0.3 * attempt)
            try:
                resp = self.session.request(method, self.base_url + path, json=json, params=params,
                                            headers=headers,
                                            timeout=(config.CONNECT_TIMEOUT, config.READ_TIMEOUT))
            except requests.ConnectionError as exc:
                # Refused or unreachable: the request never got in (unless an earlier attempt did).
                last = ServicesUnavailable(f"connection failed: {exc.__class__.__name__}",
                                           maybe_applied=bool(last and last.maybe_applied))
                continue
            except requests.Timeout:
                last = ServicesUnavailable("timed out", maybe_applied=is_write)
                continue
            if resp.status_code >= 500:
                # 503 is the services saying they wrote nothing (docs/API.md); any other 5xx may hide a write.
                last = ServicesUnavailable(f"HTTP {resp.status_code}",
                                           maybe_applied=(is_write and resp.status_code != 503)
                                           or bool(last and last.maybe_applied))
                continue
            try:
                body = resp.json()
            except ValueError:
                raise ServicesUnavailable(f"malformed JSON (HTTP {resp.status_code})",
                                          maybe_applied=is_write and resp.ok)
            if resp.status_code >= 400:
                err = body.get("error", {}) if isinstance(body, dict) else {}
                raise ServicesRejected(resp.status_code, str(err.get("code", "rejected")),
                                       str(err.get("message", "The request was refused.")),
                                       [str(s) for s in err.get("suggestions") or []])
            return body
        log.warning("services %s %s failed after %d attempts: %s", method, path, attempts, last)
        raise last  # type: ignore[misc]

    def _get(self, path: str, **params: Any) -> Any:
        return self._request("GET", path, params={k: v for k, v in params.items() if v is not None})

    # --- catalog -----------------------------------------------------------------------------
    def catalog_services(self) -> List[Dict]:
        return self._get("/catalog/services")

    def catalog_plans(self) -> List[Dict]:
        return self._get("/catalog/plans")

    def rates(self, country: str) -> Dict:
        return self._get("/catalog/rates", country=country)

    def coverage(self, plan: str) -> Dict:
        return self._get(f"/catalog/plans/{_seg(plan)}/coverage")

    def resolve_country(self, text: str) -> Dict:
        return self._get("/catalog/countries/resolve", q=text)

    # --- customer ----------------------------------------------------------------------------
    def customer(self, account: str) -> Dict:
        return self._get(f"/customers/{_seg(account)}")

    def subscriptions(self, account: str) -> List[Dict]:
        return self._get(f"/customers/{_seg(account)}/subscriptions")

    def plan(self, account: str) -> Dict:
        return self._get(f"/customers/{_seg(account)}/plan")

    def recommendations(self, countries: List[str], minutes: int, account: Optional[str]) -> Dict:
        body: Dict[str, Any] = {"countries": countries, "monthly_minutes": minutes}
        if account:
            body["account_number"] = account
        return self._request("POST", "/recommendations", json=body)

    # --- quotes (read-only) ------------------------------------------------------------------
    def quote_subscription(self, account: str, action: str, service: str, tier: Optional[str] = None) -> Dict:
        body = {"action": action, "service": service}
        if tier:
            body["tier"] = tier
        return self._request("POST", f"/customers/{_seg(account)}/subscriptions/quote", json=body)

    def quote_plan(self, account: str, plan: str, when: str) -> Dict:
        return self._request("POST", f"/customers/{_seg(account)}/plan/quote", json={"plan": plan, "when": when})

    def quote_undo(self, account: str) -> Dict:
        return self._request("POST", f"/customers/{_seg(account)}/changes/last/undo/quote", json={})

    # --- writes (Idempotency-Key required) ---------------------------------------------------
    def add_service(self, account: str, service: str, tier: Optional[str], key: str) -> Dict:
        body = {"service": service, **({"tier": tier} if tier else {})}
        return self._request("POST", f"/customers/{_seg(account)}/subscriptions", json=body, idempotency_key=key)

    def modify_service(self, account: str, service: str, tier: str, key: str) -> Dict:
        return self._request("POST", f"/customers/{_seg(account)}/subscriptions/{_seg(service)}/modify",
                             json={"tier": tier}, idempotency_key=key)

    def cancel_service(self, account: str, service: str, key: str) -> Dict:
        return self._request("POST", f"/customers/{_seg(account)}/subscriptions/{_seg(service)}/cancel",
                             json={}, idempotency_key=key)

    def change_plan(self, account: str, plan: str, when: str, key: str) -> Dict:
        return self._request("POST", f"/customers/{_seg(account)}/plan/change",
                             json={"plan": plan, "when": when}, idempotency_key=key)

    def schedule_follow_up(self, account: str, due_at: str, channel: str, note: str, key: str) -> Dict:
        return self._request("POST", f"/customers/{_seg(account)}/follow-ups",
                             json={"due_at": due_at, "channel": channel, "note": note}, idempotency_key=key)

    def undo_last_change(self, account: str, audit_id: int, key: str) -> Dict:
        # the change that was quoted: if another change came in between, the services refuse
        return self._request("POST", f"/customers/{_seg(account)}/changes/last/undo",
                             json={"audit_id": audit_id}, idempotency_key=key)

    def create_handoff(self, conversation_id: str, account: Optional[str], reason: str, summary: str, key: str) -> Dict:
        return self._request("POST", "/handoffs", json={"conversation_id": conversation_id, "account_number": account,
                                                        "reason": reason, "summary": summary}, idempotency_key=key)


def _seg(value: str) -> str:
    """A value placed in a URL path segment, escaped."""
    return requests.utils.quote(str(value), safe="")
