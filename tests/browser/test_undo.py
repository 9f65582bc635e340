"""Undo in the online account, in a real browser: a tier change made on the page shows "Undo" next to
it, the undo is quoted (what comes back, the money, the bill) behind Confirm, sent once with one
Idempotency-Key and X-Channel web, and the account is exactly as before; the agent portal's audit
log links the reversal to the change. QC-1003 (Priya, cycle 2026-10-28..11-27, 7 of 31 days left on
2026-11-21): Hotspot Boost 30 GB ($10.00) to Unlimited ($15.00) costs 5.00 x 7/31 = $1.13."""
from decimal import Decimal

from playwright.sync_api import expect

from .test_account import sign_in
from .test_live_chat import sign_in_agent


def test_undo_of_a_tier_change_from_the_online_account(stack, new_page, agent_token):
    before = [s for s in stack.get("/customers/QC-1003/subscriptions", agent_token)
              if s["service"]["code"] == "hotspot_boost"]
    bill_before = stack.get("/customers/QC-1003/billing", agent_token)
    page = new_page("customer")
    page.goto(f"{stack.services_url}/web/account.html")
    sign_in(page, "QC-1003", "3456")
    row = page.locator("#services tr", has_text="Hotspot Boost")
    expect(row).to_contain_text("30 GB")

    # The change, through the page's own quote and Confirm.
    row.locator("select").select_option("unlimited")
    row.locator("text=Change tier").click()
    expect(page.locator("#confirm-lines")).to_contain_text("Pro-rated charge for those days: $1.13.")
    page.click("#confirm-yes")
    expect(page.locator("#confirm-done")).to_contain_text("Done.")
    expect(row).to_contain_text("Unlimited")
    box = page.locator("#last-change")
    expect(box).to_contain_text("Last change: Hotspot Boost changed from 30 GB to Unlimited")

    # The undo: quote first, then Confirm (a double click sends one request).
    sent = []
    page.on("request", lambda r: sent.append(r.headers) if r.url.endswith("/changes/last/undo") else None)
    box.locator("button", has_text="Undo").click()
    expect(page.locator("#confirm-title")).to_have_text("Undo: Hotspot Boost changed from 30 GB to Unlimited?")
    lines = page.locator("#confirm-lines")
    expect(lines).to_contain_text("Hotspot Boost goes back from Unlimited to 30 GB ($10.00 a month)")
    expect(lines).to_contain_text("Pro-rated charge reversed ($1.13): a credit of $1.13.")
    expect(lines).to_contain_text("On your bill for the cycle 2026-10-28 to 2026-11-27 this nets to a credit of $1.13")
    page.dblclick("#confirm-yes")
    expect(page.locator("#confirm-done")).to_contain_text("Done. Hotspot Boost goes back from Unlimited to 30 GB")
    expect(row).to_contain_text("30 GB")
    expect(box).to_be_hidden()                    # an undo cannot be undone: no button any more

    assert len(sent) == 1 and sent[0]["x-channel"] == "web" and sent[0]["idempotency-key"].startswith("web-")
    after = [s for s in stack.get("/customers/QC-1003/subscriptions", agent_token)
             if s["service"]["code"] == "hotspot_boost"]
    assert [(s["id"], s["tier"], s["status"], s["started_on"]) for s in after] == [
        (s["id"], s["tier"], s["status"], s["started_on"]) for s in before]
    bill = stack.get("/customers/QC-1003/billing", agent_token)
    new = [e for e in bill if e["id"] not in {b["id"] for b in bill_before}]
    assert sorted((e["kind"], e["amount"]) for e in new) == [("prorated_charge", "1.13"), ("reversal", "-1.13")]
    assert sum(Decimal(e["amount"]) for e in new) == 0
    audit = stack.get("/audit?account=QC-1003", agent_token)
    modify, undone = [a for a in audit if a["action"] in ("modify_service", "undo_modify_service")]
    assert (undone["reverses"], undone["actor"], undone["role"], undone["channel"]) == (
        modify["id"], "QC-1003", "customer", "web")

    # The agent portal: the reversal links to the change it reversed, and the change says by what.
    agent = new_page("agent")
    sign_in_agent(agent, stack)
    agent.fill("#lookup-account", "QC-1003")
    agent.click("#lookup button")
    reversal = agent.locator(f"#audit-{undone['id']}")
    expect(reversal).to_contain_text(f"undo modify service (reverses #{modify['id']})")
    expect(agent.locator(f"#audit-{modify['id']}")).to_contain_text(f"(undone by #{undone['id']})")
    reversal.locator(f"a[href='#audit-{modify['id']}']").click()
