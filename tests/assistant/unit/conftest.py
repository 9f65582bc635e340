"""Fixtures for unit tests of the actions: trackers as Rasa sends them, identity tokens, and the
services' HTTP layer replaced by `responses` (the only thing mocked)."""
import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import jwt
import pytest
import responses
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import catalog, config

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT / "services" / "quickconnect" / "seed" / "catalog.yml"
URL = config.SERVICES_URL

STREAMMAX = {"code": "streammax_tv", "name": "StreamMax TV", "activation_hours": 24, "minimum_term_months": 12,
             "modification_fee": "5.00", "cancellation_fee": "25.00",
             "terms": ["A cancellation fee of $25.00 applies if the service is cancelled within the first 12 months (minimum term)."],
             "tiers": [{"code": "basic", "name": "Basic", "monthly_price": "9.99"},
                       {"code": "standard", "name": "Standard", "monthly_price": "14.99"},
                       {"code": "premium", "name": "Premium", "monthly_price": "19.99"}]}
VOICEMAIL = {"code": "visual_voicemail", "name": "Visual Voicemail", "activation_hours": 24, "minimum_term_months": 0,
             "modification_fee": "0.00", "cancellation_fee": "0.00", "terms": ["No modification or cancellation fees apply to this service."],
             "tiers": [{"code": "standard", "name": "Standard", "monthly_price": "2.99"}]}
CLOUD = {"code": "cloud_backup", "name": "Cloud Backup", "activation_hours": 4, "minimum_term_months": 0,
         "modification_fee": "0.00", "cancellation_fee": "0.00", "terms": [],
         "tiers": [{"code": "50gb", "name": "50 GB", "monthly_price": "2.99"}, {"code": "200gb", "name": "200 GB", "monthly_price": "4.99"}]}
PLANS = [{"code": "europe_saver", "name": "Europe Saver", "kind": "regional", "monthly_fee": "15.00", "restrictions": ["300 minutes"]},
         {"code": "world_unlimited", "name": "World Unlimited", "kind": "unlimited", "monthly_fee": "45.00", "restrictions": []}]


def subscription(service: Dict, tier: str, status: str = "active") -> Dict:
    t = next(x for x in service["tiers"] if x["name"] == tier)
    return {"id": 1, "service": {"code": service["code"], "name": service["name"]}, "tier": {"code": t["code"], "name": t["name"]},
            "monthly_price": t["monthly_price"], "status": status, "started_on": "2026-07-24", "activates_at": None,
            "activated_at": "2026-07-25T00:00:00Z", "cancelled_on": None, "version": 1}


def token(role: str = "customer", sub: str = "QC-1001", ttl: int = 600, secret: Optional[str] = None) -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "role": role, "name": "Test", "iat": now, "exp": now + ttl},
                      secret or config.JWT_SECRET, algorithm="HS256")


def make_tracker(text: str = "", intent: str = "add_service", entities: List[Dict] = (), slots: Optional[Dict] = None,
                 metadata: Optional[Dict] = None, active_loop: Optional[str] = None, requested_slot: Optional[str] = None,
                 set_this_turn: Optional[Dict[str, Any]] = None, sender: str = "conv-1") -> Tracker:
    """A tracker as the action server receives it; `set_this_turn` are slots filled by the last message."""
    values = {"requested_slot": requested_slot, **(slots or {}), **(set_this_turn or {})}
    events = [{"event": "user", "text": text}] + [{"event": "slot", "name": k, "value": v} for k, v in (set_this_turn or {}).items()]
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": list(entities),
              "metadata": metadata if metadata is not None else {"token": token()}}
    return Tracker(sender, values, latest, events, False, None, {"name": active_loop} if active_loop else {}, "action_listen")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """The project's spaCy pipeline, built once from the catalog for every test that needs it."""
    from bot import spacy_pipeline
    return spacy_pipeline.build(CATALOG, tmp_path_factory.mktemp("spacy") / "qc_en")


@pytest.fixture
def domain() -> Dict:
    return yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def services():
    """The services' HTTP API, faked at the HTTP layer; the catalog cache starts empty."""
    catalog._cache.clear()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{URL}/catalog/services", json=[STREAMMAX, CLOUD, VOICEMAIL])
        mock.get(f"{URL}/catalog/plans", json=PLANS)
        yield mock
    catalog._cache.clear()


def run(action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[Dict]:
    return asyncio.run(action.run(dispatcher, tracker, domain))


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)


def slots_of(events: List[Dict]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture(scope="module")
def graph_env(tmp_path_factory):
    """A model storage and execution context for building Rasa components outside a graph."""
    storage = LocalModelStorage.create(tmp_path_factory.mktemp("model_storage"))
    context = ExecutionContext(GraphSchema({}), uuid.uuid4().hex)
    return storage, context


def make_spacy_nlp(model_dir, graph_env, case_sensitive=True):
    """Rasa's SpacyNLP on the project's spaCy pipeline at model_dir."""
    storage, context = graph_env
    return SpacyNLP.create(
        {"model": str(model_dir), "case_sensitive": case_sensitive},
        storage,
        Resource("spacy_nlp"),
        context,
    )
