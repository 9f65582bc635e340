"""The customer's live chat and the agent portal, used in a real browser; each test checks the
services' records afterwards. The services' date is pinned to 2026-11-21 (see the integration conftest)."""
from playwright.sync_api import expect

from tests.assistant.integration.conftest import customer_token
from tests.browser.conftest import SHOTS


def bot_says(page, text):
    expect(page.locator(".qc-bot .qc-text", has_text=text).last).to_be_visible()


def chat(page, text):
    page.fill(".qc-input input", text)
    page.click(".qc-input button")


def sign_in_customer(page, stack, account, pin):
    page.fill("#account", account)
    page.fill("#pin", pin)
    page.click("#login button")
    expect(page.locator("#who-account")).to_have_text(account)


def sign_in_agent(page, stack, agent_id="agent-ana", password="ana-demo-pass"):
    page.goto(f"{stack.services_url}/web/portal.html")
    page.fill("#agent-id", agent_id)
    page.fill("#password", password)
    page.click("#login button")
    expect(page.locator("#who-id")).to_have_text(agent_id)


def test_customer_asks_an_faq_signs_in_and_cancels_with_the_confirm_button(stack, new_page, agent_token):
    page = new_page("customer")
    page.goto(f"{stack.services_url}/")
    chat(page, "how long does it take before a new add on works")
    bot_says(page, "24 hours")
    chat(page, "cancel my streammax")
    bot_says(page, "log in")

    sign_in_customer(page, stack, "QC-1001", "1234")
    chat(page, "please cancel streammax tv")
    bot_says(page, "$18.34 charge")      # 25.00 fee - 6.66 refund, as the knowledge base's terms say
    page.click(".qc-buttons:last-of-type >> text=Yes, go ahead")
    bot_says(page, "StreamMax TV is cancelled")
    expect(page.locator(".qc-button.qc-chosen")).to_have_text("Yes, go ahead")

    subs = stack.get("/customers/QC-1001/subscriptions", agent_token)
    assert [s["status"] for s in subs if s["service"]["name"] == "StreamMax TV"] == ["cancelled"]
    cancels = [a for a in stack.get("/audit?account=QC-1001", agent_token) if a["action"] == "cancel_service"]
    assert [(a["actor"], a["channel"]) for a in cancels] == [("QC-1001", "chat")]

    page.reload()                       # the conversation survives a reload
    bot_says(page, "StreamMax TV is cancelled")
    expect(page.locator(".qc-user .qc-text", has_text="Yes, go ahead")).to_be_visible()
    expect(page.locator(".qc-buttons button:enabled")).to_have_count(0)   # old buttons don't answer again


def test_agent_changes_a_named_customers_plan_and_is_the_actor_in_the_audit_log(stack, new_page, agent_token):
    page = new_page("agent")
    sign_in_agent(page, stack)
    page.fill("#lookup-account", "QC-1002")
    page.click("#lookup button")
    expect(page.locator("#customer-name")).to_have_text("James Okafor")
    chat(page, "customer wants to move to world unlimited")
    bot_says(page, "start now")
    page.click(".qc-buttons:last-of-type >> text=Now")
    bot_says(page, "QC-1002")
    bot_says(page, "Tell the customer")
    page.click(".qc-buttons:last-of-type >> text=Yes, go ahead")
    bot_says(page, "moves to World Unlimited")

    assert stack.get("/customers/QC-1002/plan", agent_token)["plan"]["name"] == "World Unlimited"
    changes = [a for a in stack.get("/audit?account=QC-1002", agent_token) if a["action"] == "change_plan"]
    assert [(a["actor"], a["role"], a["channel"]) for a in changes] == [("agent-ana", "agent", "agent_widget")]
    expect(page.locator("#audit tr", has_text="change plan").first).to_contain_text("agent-ana")


def test_a_forged_token_is_refused_and_changes_nothing(stack, new_page, agent_token):
    page = new_page("customer")
    page.goto(f"{stack.services_url}/web/")
    real = customer_token(stack, "QC-1003")
    header, payload, _signature = real.split(".")
    forged = f"{header}.{payload}.{'A' * 43}"
    page.evaluate("""(token) => sessionStorage.setItem('qc-customer-session', JSON.stringify(
        {token, role: 'customer', subject: 'QC-1003', name: 'Priya', expires_at: Date.now() + 600000}))""", forged)
    page.reload()
    expect(page.locator("#who-account")).to_have_text("QC-1003")
    before = stack.get("/customers/QC-1003/subscriptions", agent_token)
    chat(page, "cancel hotspot boost")
    expect(page.locator(".qc-error .qc-text").last).to_contain_text("could not be verified")
    expect(page.locator("#login")).to_be_visible()     # signed out, asked to sign in again
    assert stack.get("/customers/QC-1003/subscriptions", agent_token) == before


def test_messages_render_as_text_never_as_html(stack, new_page):
    page = new_page("customer")
    page.goto(f"{stack.services_url}/web/")
    attack = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>"
    chat(page, attack)
    expect(page.locator(".qc-user .qc-text").last).to_have_text(attack)
    expect(page.locator(".qc-bot .qc-text").last).to_be_visible()
    assert page.locator(".qc-log img, .qc-log script").count() == 0
    assert page.evaluate("window.pwned") is None


def test_handoff_the_customer_sees_a_person_take_over_and_they_talk(stack, new_page):
    customer = new_page("customer")
    customer.goto(f"{stack.services_url}/web/")
    sign_in_customer(customer, stack, "QC-1002", "2345")
    chat(customer, "can i talk to a real person please")
    expect(customer.locator(".qc-banner")).to_contain_text("will take over")

    agent = new_page("agent")
    sign_in_agent(agent, stack, "agent-ben", "ben-demo-pass")
    agent.click("#queue button:has-text('QC-1002')")
    expect(agent.locator("#handoff-summary")).to_contain_text("can i talk to a real person please")
    agent.click("#take")
    expect(customer.locator(".qc-banner")).to_contain_text("Ben Adeyemi from QuickConnect has taken over")

    agent.fill("#reply-text", "Hi James, Ben here. How can I help?")
    agent.click("#reply button")
    expect(customer.locator(".qc-agent .qc-text")).to_have_text("Hi James, Ben here. How can I help?")
    chat(customer, "my bill looks wrong")
    expect(agent.locator("#handoff-messages .qc-user .qc-text")).to_have_text("my bill looks wrong")
    agent.click("#close")
    expect(customer.locator(".qc-banner")).to_contain_text("ended the chat")


def test_anonymous_visitor_browses_the_catalog_then_signs_up_from_a_description(stack, new_page, agent_token):
    page = new_page("catalog")
    page.goto(f"{stack.services_url}/")
    chat(page, "what add-ons do you have")
    bot_says(page, "Family Locator")          # every service, from GET /catalog/services
    bot_says(page, "from $4.99/month")
    page.click(".qc-buttons:last-of-type >> text=Cloud Backup")   # the service's own button
    bot_says(page, "50 GB $2.99/month, 200 GB $4.99/month, 2 TB $9.99/month")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "catalog-in-the-live-chat.png"), full_page=True)   # docs/screenshots/

    sign_in_customer(page, stack, "QC-1003", "3456")
    chat(page, "sounds good, sign me up for the middle tier")
    bot_says(page, "Adding Cloud Backup (200 GB)")
    page.click(".qc-buttons:last-of-type >> text=Yes, go ahead")
    bot_says(page, "Cloud Backup (200 GB) is added")
    subs = stack.get("/customers/QC-1003/subscriptions", agent_token)
    assert [(s["tier"]["name"], s["status"]) for s in subs if s["service"]["name"] == "Cloud Backup"] == [
        ("200 GB", "pending_activation")]
