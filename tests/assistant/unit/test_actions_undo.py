"""Undo of the last change: the services' quote first, a yes, then one undo with a stable key; a
refusal (nothing to undo, past the window) is said and changes nothing (services faked at HTTP)."""
import json

from actions.confirmation import ActionAskConfirm
from actions.undo import ActionSubmitUndo, ValidateUndoForm
from tests.assistant.unit.conftest import URL, make_tracker, run, slots_of, texts

UNDO_QUOTE = {"change": {"audit_id": 41, "action": "cancel_service", "at": "2026-11-21T10:00:00Z",
                         "description": "cancelled StreamMax TV (Premium)", "undo_until": "2026-11-22T10:00:00Z"},
              "restores": {}, "reversals": [
                  {"kind": "fee_waiver", "amount": "-25.00", "description": "Cancellation fee waived"},
                  {"kind": "refund_reversal", "amount": "6.66", "description": "Refund reversed"}],
              "net_adjustment": "-18.34", "bill": {"date": "2026-11-21"},
              "tell_customer": ["StreamMax TV (Premium) is back as it was, since 2026-07-24."]}


def test_undo_quotes_what_comes_back_and_the_money(services, dispatcher, domain):
    services.post(f"{URL}/customers/QC-1001/changes/last/undo/quote", json=UNDO_QUOTE)
    tracker = make_tracker("that was a mistake, undo it", "undo_change", active_loop="undo_form",
                           set_this_turn={"account_number": "QC-1001"})
    slots = slots_of(run(ValidateUndoForm(), dispatcher, tracker, domain))
    assert slots["quote"]["change"]["audit_id"] == 41 and slots["quote"]["quote_id"]
    asked = make_tracker("", "undo_change", active_loop="undo_form", slots={"account_number": "QC-1001", **slots})
    run(ActionAskConfirm(), dispatcher, asked, domain)
    reply = texts(dispatcher)
    assert "cancelled StreamMax TV (Premium)" in reply and "-$25.00" in reply and "$6.66" in reply
    assert "$18.34 credit" in reply and "Shall I go ahead?" in reply


def test_nothing_to_undo_is_said_and_the_form_ends(services, dispatcher, domain):
    services.post(f"{URL}/customers/QC-1001/changes/last/undo/quote", status=409,
                  json={"error": {"code": "nothing_to_undo", "message": "There is no change on QC-1001 to undo."}})
    tracker = make_tracker("undo", "undo_change", active_loop="undo_form", set_this_turn={"account_number": "QC-1001"})
    slots = slots_of(run(ValidateUndoForm(), dispatcher, tracker, domain))
    assert slots["confirm"] is False
    assert "There is no change on QC-1001 to undo. Nothing was changed." in texts(dispatcher)


def test_confirmed_undo_is_sent_once_with_the_quoted_change_and_a_stable_key(services, dispatcher, domain):
    undo = services.post(f"{URL}/customers/QC-1001/changes/last/undo",
                         json={"undo": {"audit_id": 42, "reverses": 41}, "quote": UNDO_QUOTE})
    slots = {"account_number": "QC-1001", "confirm": True, "quote": {**UNDO_QUOTE, "quote_id": "q1"}}
    events = run(ActionSubmitUndo(), dispatcher, make_tracker("yes", "affirm", slots=slots), domain)
    run(ActionSubmitUndo(), dispatcher, make_tracker("yes", "affirm", slots=slots), domain)
    assert json.loads(undo.calls[0].request.body) == {"audit_id": 41}
    keys = {c.request.headers["Idempotency-Key"] for c in undo.calls}
    assert len(undo.calls) == 2 and len(keys) == 1          # a repeat is the same request: the services apply it once
    assert "undone on QC-1001: cancelled StreamMax TV (Premium)" in texts(dispatcher)
    assert slots_of(events)["quote"] is None


def test_no_at_the_undo_sends_nothing(services, dispatcher, domain):
    undo = services.post(f"{URL}/customers/QC-1001/changes/last/undo", json={})
    slots = {"account_number": "QC-1001", "confirm": False, "quote": {**UNDO_QUOTE, "quote_id": "q1"}}
    run(ActionSubmitUndo(), dispatcher, make_tracker("no", "deny", slots=slots), domain)
    assert len(undo.calls) == 0
