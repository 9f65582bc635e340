"""The support dashboard in a real browser: a supervisor sees a conversation held during the test
in the counts (read from the running Rasa server's tracker store), filters it by channel, exports
CSV, and no token reaches the page."""
import csv

from playwright.sync_api import expect

from tests.assistant.integration.conftest import Chat


def sign_in_supervisor(page, stack):
    page.goto(f"{stack.services_url}/web/dashboard.html")
    page.fill("#agent-id", "sup-sam")
    page.fill("#password", "sam-demo-pass")
    page.click("#login button")
    expect(page.locator("#who-role")).to_have_text("supervisor")
    expect(page.locator("#total-conversations")).not_to_have_text("–")


def show(page, channel=""):
    page.select_option("#channel", channel)
    with page.expect_response(lambda r: "/dashboard/summary" in r.url) as answer:
        page.click("#filters button[type=submit]")
    return answer.value.json()


def test_a_supervisor_sees_a_new_conversation_in_the_counts_by_channel_and_in_the_csv(stack, new_page):
    page = new_page("supervisor")
    sign_in_supervisor(page, stack)
    before = show(page)["totals"]
    widget_before = show(page, "agent_widget")["totals"]["conversations"]

    visitor = Chat(stack)                   # a visitor on the live chat, through the real channel
    assert visitor.say("hi")
    assert visitor.say("how long does it take before a new add-on works?")

    after = show(page)
    assert after["tracker_store"] == "ok"
    assert after["totals"]["conversations"] == before["conversations"] + 1
    assert after["totals"]["contained"] == before["contained"] + 1
    expect(page.locator("#total-conversations")).to_have_text(str(after["totals"]["conversations"]))
    expect(page.locator("#total-faq")).to_have_text(str(after["totals"]["faq_answers"]))
    assert after["totals"]["faq_answers"] == before["faq_answers"] + 1
    expect(page.locator("#chart-conversations svg rect")).not_to_have_count(0)
    assert show(page, "agent_widget")["totals"]["conversations"] == widget_before   # a visitor is customer chat
    chat = show(page, "chat")
    expect(page.locator("#total-conversations")).to_have_text(str(chat["totals"]["conversations"]))

    with page.expect_download() as download:
        page.click("#export-daily")
    with open(download.value.path(), newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert sum(int(r["conversations"]) for r in rows) == chat["totals"]["conversations"]
    assert "eyJ" not in page.content()      # no token from the tracker's metadata reaches the page
