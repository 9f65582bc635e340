"""The customer's online account in a real browser: the Usage tab shows the services' own figures,
and a cancellation from the page goes through the same quote, write and audit as the assistant's,
once, however often it is clicked or retried. The services' date is pinned to 2026-11-21."""
import requests
from playwright.sync_api import expect

from tests.assistant.integration.conftest import customer_token


def sign_in(page, account, pin):
    page.fill("#account", account)
    page.fill("#pin", pin)
    page.click("#login button")
    expect(page.locator("#who-account")).to_have_text(account)


def cells(page, selector):
    return [row.locator("td").all_inner_texts() for row in page.locator(selector).all()]


def test_the_usage_tab_shows_the_services_records_after_one_sign_in(stack, new_page, agent_token):
    page = new_page("customer")
    page.goto(f"{stack.services_url}/web/")
    sign_in(page, "QC-1001", "1234")
    page.click("nav >> text=Online account")             # signed in once: the account page knows who
    expect(page.locator("#who-account")).to_have_text("QC-1001")
    page.click("#tab-usage")

    usage = stack.get("/customers/QC-1001/usage?cycles=6", agent_token)["cycles"]
    plan = stack.get("/customers/QC-1001/plan", agent_token)
    this = usage[0]
    expect(page.locator("#usage-minutes")).to_have_text(str(this["minutes"]))
    expect(page.locator("#usage-cost")).to_have_text(f"${this['cost']}")
    by_country = sorted(this["by_country"], key=lambda c: -c["minutes"])
    expect(page.locator("#usage-countries tr")).to_have_count(len(by_country))
    assert cells(page, "#usage-countries tr") == [[c["country"]["name"], str(c["minutes"]), f"${c['cost']}"]
                                                  for c in by_country]
    used = plan["usage"]["included_minutes"] - plan["usage"]["minutes_remaining"]
    expect(page.locator("#usage-allowance")).to_contain_text(
        f"{used} of {plan['usage']['included_minutes']} included minutes used this cycle, "
        f"{plan['usage']['minutes_remaining']} left")
    expect(page.locator("#usage-chart svg rect")).to_have_count(len(by_country))   # one bar per country
    assert cells(page, "#usage-cycles tr") == [
        [f"{c['cycle']['start']} to {c['cycle']['end']}", str(c["minutes"]), f"${c['cost']}"] for c in usage]
    billing = stack.get("/customers/QC-1001/billing", agent_token)
    assert [row[3] for row in cells(page, "#billing tr")] == [
        ("-$" + b["amount"][1:]) if b["amount"].startswith("-") else f"${b['amount']}" for b in billing]


def test_a_cancellation_from_the_page_is_audited_like_the_assistants_and_applied_once(stack, new_page, agent_token):
    page = new_page("customer")
    page.goto(f"{stack.services_url}/web/account.html")
    sign_in(page, "QC-1002", "2345")
    row = page.locator("#services tr", has_text="Visual Voicemail")
    expect(row).to_have_count(1)

    # The first answer is lost on the way back (the change is made); the retry must replay it.
    sent = []

    def lose_the_first_answer(route):
        response = route.fetch()
        sent.append((route.request.headers, response.status, response.headers))
        if len(sent) == 1:
            route.abort()
        else:
            route.fulfill(response=response)

    page.route("**/subscriptions/visual_voicemail/cancel", lose_the_first_answer)
    row.locator("text=Cancel").click()
    quote = requests.post(f"{stack.services_url}/customers/QC-1002/subscriptions/quote",
                          json={"action": "cancel", "service": "visual_voicemail"},
                          headers={"Authorization": f"Bearer {customer_token(stack, 'QC-1002')}"}, timeout=10).json()
    expect(page.locator("#confirm-title")).to_have_text("Cancel Visual Voicemail?")
    expect(page.locator("#confirm-lines")).to_contain_text(f"Refund for the unused days: ${quote['refund']}.")
    page.dblclick("#confirm-yes")                        # a double click sends one request
    expect(page.locator("#confirm-error")).to_contain_text("could not be reached")
    page.click("#confirm-yes >> text=Try again")
    expect(page.locator("#confirm-done")).to_contain_text("Done. Visual Voicemail is cancelled today")
    expect(row).to_have_count(0)

    assert len(sent) == 2
    (first, _, _), (retry, status, headers) = sent
    assert first["idempotency-key"] == retry["idempotency-key"] and first["x-channel"] == "web"
    assert (status, headers.get("idempotent-replayed")) == (200, "true")
    subs = stack.get("/customers/QC-1002/subscriptions", agent_token)
    assert [s["status"] for s in subs if s["service"]["code"] == "visual_voicemail"] == ["cancelled"]
    cancels = [a for a in stack.get("/audit?account=QC-1002", agent_token) if a["action"] == "cancel_service"]
    assert [(a["actor"], a["role"], a["channel"]) for a in cancels] == [("QC-1002", "customer", "web")]
    after = cancels[0]["after"]
    assert (after["status"], after["net_adjustment"]) == ("cancelled", quote["net_adjustment"])
