"""Bounded input: a request body over 64 kB is refused with 413 before it is parsed, and every
string a request can carry (path, query, header, body field) has a maximum length in the
OpenAPI document, so FastAPI refuses longer ones with 422."""
import json
import re

import pytest

from quickconnect.entrypoints.api import create_app
from quickconnect.entrypoints.limits import MAX_BODY_BYTES

from ..tally import TRIED
from .conftest import key

FOLLOW_UP = "/customers/QC-1001/follow-ups"
BOUNDED_PATTERN = re.compile(r"\{\d+,\d+\}\$$")     # ^[A-Za-z0-9_-]{1,20}$


def _strings(schema: dict, components: dict, where: str):
    """(where, schema) for every string schema reachable from this one."""
    if "$ref" in schema:
        yield from _strings(components[schema["$ref"].rsplit("/", 1)[1]], components, where)
        return
    for alternative in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        yield from _strings(alternative, components, where)
    if schema.get("type") == "string":
        yield where, schema
    for name, prop in schema.get("properties", {}).items():
        yield from _strings(prop, components, f"{where}.{name}")
    if "items" in schema:
        yield from _strings(schema["items"], components, f"{where}[]")


def _bounded(schema: dict) -> bool:
    return ("maxLength" in schema or "enum" in schema or "const" in schema
            or schema.get("format") in ("date-time", "date")
            or bool(BOUNDED_PATTERN.search(schema.get("pattern", ""))))


def test_every_string_a_request_can_carry_is_bounded(services):
    document = create_app(services).openapi()
    components = document.get("components", {}).get("schemas", {})
    strings = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                strings += _strings(parameter["schema"], components,
                                    f"{method.upper()} {path} {parameter['in']}:{parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                strings += _strings(media["schema"], components, f"{method.upper()} {path} body")
    assert [where for where, schema in strings if not _bounded(schema)] == []
    assert len(strings) > 50
    TRIED["request limits: request strings in the OpenAPI document, each bounded"] += len(strings)


def _padded_follow_up(size: int) -> bytes:
    """A follow-up body of exactly `size` bytes (the note carries the padding)."""
    body = {"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": ""}
    overhead = len(json.dumps(body).encode())
    body["note"] = "x" * (size - overhead)
    encoded = json.dumps(body).encode()
    assert len(encoded) == size
    return encoded


def _follow_ups(client, maria) -> list:
    return client.get(FOLLOW_UP, headers=maria).json()


@pytest.mark.parametrize("size, status", [(MAX_BODY_BYTES, 422), (MAX_BODY_BYTES + 1, 413), (10 * MAX_BODY_BYTES, 413)])
def test_a_body_over_64_kb_is_413_and_writes_nothing(client, maria, size, status):
    r = client.post(FOLLOW_UP, headers={**maria, **key(), "Content-Type": "application/json"},
                    content=_padded_follow_up(size))
    # At the limit the body is read and validated (the note is too long: 422); above it, refused unread.
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == {413: "payload_too_large", 422: "invalid_request"}[status]
    assert _follow_ups(client, maria) == []
    TRIED["request limits: bodies at and over 64 kB, refused with nothing written"] += 1


def test_a_chunked_body_without_content_length_is_counted_too(client, maria):
    chunks = (b"x" * 4096 for _ in range(MAX_BODY_BYTES // 4096 + 1))
    r = client.post(FOLLOW_UP, headers={**maria, **key(), "Content-Type": "application/json"}, content=chunks)
    assert (r.status_code, r.json()["error"]["code"]) == (413, "payload_too_large")
    assert _follow_ups(client, maria) == []
    TRIED["request limits: bodies at and over 64 kB, refused with nothing written"] += 1


def test_a_string_over_its_maximum_is_422(client, maria):
    r = client.post(FOLLOW_UP, headers={**maria, **key("k" * 201)},
                    json={"due_at": "2026-12-01T10:00:00Z", "channel": "call", "note": "ok"})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")
    r = client.get("/customers/QC-1001", headers={**maria, "X-Channel": "c" * 21})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_request")
    assert _follow_ups(client, maria) == []
