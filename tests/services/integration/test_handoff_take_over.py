"""A person takes over a handed-off conversation: take, talk both ways, close; who may see what."""
from .conftest import bearer, key


def _handoff(client, headers, conversation_id="conv-42"):
    r = client.post("/handoffs", headers={**headers, **key()},
                    json={"conversation_id": conversation_id, "reason": "wants a person", "summary": "user: bill?"})
    assert r.status_code == 201
    return r.json()["id"]


def test_agent_takes_over_and_both_sides_see_the_same_exchange(client, maria, ana):
    handoff_id = _handoff(client, maria)
    assert client.get("/conversations/conv-42/handoff", headers=maria).json()["status"] == "waiting"

    r = client.post(f"/handoffs/{handoff_id}/take", headers={**ana, **key()})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["taken_by"], r.json()["agent_name"]) == ("taken", "agent-ana", "Ana Torres")

    assert client.post(f"/handoffs/{handoff_id}/messages", headers={**ana, **key()},
                       json={"text": "Hi Maria, I'm looking at your bill now."}).status_code == 201
    assert client.post("/conversations/conv-42/handoff/messages", headers={**maria, **key()},
                       json={"text": "thanks!"}).status_code == 201

    seen_by_customer = client.get("/conversations/conv-42/handoff", headers=maria).json()
    seen_by_agent = client.get(f"/handoffs/{handoff_id}", headers=ana).json()
    assert seen_by_customer["messages"] == seen_by_agent["messages"]
    assert [(m["sender_role"], m["sender_name"], m["text"]) for m in seen_by_agent["messages"]] == [
        ("agent", "Ana Torres", "Hi Maria, I'm looking at your bill now."), ("customer", "Maria Lopez", "thanks!")]

    actions = [a["action"] for a in client.get("/audit?account=QC-1001", headers=ana).json()]
    assert actions[-2:] == ["create_handoff", "take_handoff"]


def test_a_second_agent_cannot_take_a_taken_conversation_and_a_closed_one_takes_no_messages(client, maria, ana):
    handoff_id = _handoff(client, maria)
    client.post(f"/handoffs/{handoff_id}/take", headers={**ana, **key()})
    ben = bearer("agent-ben", "agent")
    r = client.post(f"/handoffs/{handoff_id}/take", headers={**ben, **key()})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "handoff_taken")
    r = client.post(f"/handoffs/{handoff_id}/messages", headers={**ben, **key()}, json={"text": "hello"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "handoff_not_taken")

    assert client.post(f"/handoffs/{handoff_id}/close", headers={**ana, **key()}).json()["status"] == "closed"
    r = client.post("/conversations/conv-42/handoff/messages", headers={**maria, **key()}, json={"text": "still there?"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "handoff_closed")
    assert client.get(f"/handoffs/{handoff_id}", headers=ana).json()["messages"] == []


def test_only_the_conversation_owner_sees_a_handoff_about_an_account(client, maria, ana):
    _handoff(client, maria)
    james = bearer("QC-1002")
    assert client.get("/conversations/conv-42/handoff", headers=james).status_code == 403
    assert client.get("/conversations/conv-42/handoff").status_code == 403
    r = client.post("/conversations/conv-42/handoff/messages", headers={**james, **key()}, json={"text": "hi"})
    assert r.status_code == 403
    assert client.get("/conversations/unknown-conv/handoff").status_code == 404
    assert client.get("/handoffs/1", headers=maria).status_code == 403


def test_a_visitor_talks_to_the_agent_with_only_the_conversation_id(client, ana):
    handoff_id = _handoff(client, {"X-Channel": "chat"}, "visitor-7f3a")
    client.post(f"/handoffs/{handoff_id}/take", headers={**ana, **key()})
    r = client.post("/conversations/visitor-7f3a/handoff/messages", headers=key(), json={"text": "hello?"})
    assert r.status_code == 201 and r.json()["sender_name"] == "Visitor"
    status = client.get("/conversations/visitor-7f3a/handoff").json()
    assert (status["status"], status["agent_name"], len(status["messages"])) == ("taken", "Ana Torres", 1)


def test_repeating_a_take_with_the_same_key_changes_nothing_more(client, maria, ana):
    handoff_id = _handoff(client, maria)
    same = {**ana, **key("take-once")}
    first = client.post(f"/handoffs/{handoff_id}/take", headers=same)
    again = client.post(f"/handoffs/{handoff_id}/take", headers=same)
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    actions = [a["action"] for a in client.get("/audit?account=QC-1001", headers=ana).json()]
    assert actions.count("take_handoff") == 1
