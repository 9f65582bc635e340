"""Kind 9: the basics, so nothing regresses: cancel, modify, add, plan changes, follow-ups, account
questions, FAQs, handoff, out-of-scope, corrections, digressions, "no" at a quote, another account."""
import pytest

from .conftest import D, amounts, assert_audit, assert_facts, assert_unchanged, date_fact


def customer_audit(c, account, action):
    assert_audit(c.new_audit(account.number), action, account.number, "customer", "chat")


# --- cancel -----------------------------------------------------------------------------------------

def test_cancel_with_refund_and_fee(customer_chat, services):
    """A customer cancels StreamMax TV inside its 12-month term: refund $6.66, fee $25.00."""
    account, c = customer_chat("maria")
    assert_facts(c.say("I want to cancel StreamMax TV"), "$6.66", "$25.00")
    c.say("yes")
    assert services.live(account.number, "streammax_tv") is None
    assert amounts(c.new_billing(account.number)) == [("cancellation_fee", D("25.00")), ("refund", D("-6.66"))]
    customer_audit(c, account, "cancel_service")


def test_cancel_device_protection_inside_term(customer_chat, services):
    """A customer cancels Device Protection two months in: refund $6.39, fee $15.00."""
    account, c = customer_chat("james")
    assert_facts(c.say("pls cancel my phone insurance"), "$6.39", "$15.00")
    c.say("yes")
    assert services.live(account.number, "device_protection") is None
    assert amounts(c.new_billing(account.number)) == [("cancellation_fee", D("15.00")), ("refund", D("-6.39"))]
    customer_audit(c, account, "cancel_service")


def test_cancel_without_fee(customer_chat, services):
    """A customer cancels Hotspot Boost (no minimum term): refund $2.26 and no fee."""
    account, c = customer_chat("priya")
    assert_facts(c.say("i dont need the hotspot boost anymore, cancel it"), "$2.26")
    c.say("yes")
    assert services.live(account.number, "hotspot_boost") is None
    assert amounts(c.new_billing(account.number)) == [("refund", D("-2.26"))]


# --- modify -----------------------------------------------------------------------------------------

def test_upgrade(customer_chat, services):
    """A customer upgrades Device Protection to Plus: $3.20 charged, no fee."""
    account, c = customer_chat("james")
    assert_facts(c.say("upgrade device protection to plus"), "$3.20")
    c.say("yes")
    assert services.live(account.number, "device_protection")["tier"]["code"] == "plus"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("3.20"))]
    customer_audit(c, account, "modify_service")


def test_downgrade_with_fee(customer_chat, services):
    """A customer downgrades StreamMax TV to Standard inside the term: credit $1.67, fee $5.00."""
    account, c = customer_chat("maria")
    assert_facts(c.say("can i go down to streammax standard"), "$1.67", "$5.00")
    c.say("yes")
    sub = services.live(account.number, "streammax_tv")
    assert sub["tier"]["code"] == "standard" and sub["started_on"] == "2026-07-24"
    assert amounts(c.new_billing(account.number)) == [("modification_fee", D("5.00")), ("prorated_credit", D("-1.67"))]


def test_downgrade_without_fee(customer_chat, services):
    """A customer downgrades Hotspot Boost to 10 GB: credit $1.13, no fee."""
    account, c = customer_chat("priya")
    assert_facts(c.say("downgrade my hotspot to the 10gb one"), "$1.13")
    c.say("yes")
    assert services.live(account.number, "hotspot_boost")["tier"]["code"] == "10gb"
    assert amounts(c.new_billing(account.number)) == [("prorated_credit", D("-1.13"))]


# --- add --------------------------------------------------------------------------------------------

def test_add_caller_id_plus(customer_chat, services):
    """A customer adds Caller ID Plus Spam Shield: $3.19 now, pending activation."""
    account, c = customer_chat("james")
    assert_facts(c.say("i'd like the spam shield caller id please"), "$3.19")
    c.say("yes")
    sub = services.live(account.number, "caller_id_plus")
    assert sub["status"] == "pending_activation" and sub["tier"]["code"] == "spam_shield"
    assert sub["activates_at"] is not None
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("3.19"))]
    customer_audit(c, account, "add_service")


def test_add_hotspot_unlimited(customer_chat, services):
    """A customer adds Hotspot Boost Unlimited: $12.00 now, pending activation."""
    account, c = customer_chat("james")
    assert_facts(c.say("Can I get unlimited hotspot boost added to my account?"), "$12.00")
    c.say("yes please")
    sub = services.live(account.number, "hotspot_boost")
    assert sub["status"] == "pending_activation" and sub["tier"]["code"] == "unlimited"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("12.00"))]


# --- plan changes -------------------------------------------------------------------------------------

def test_plan_change_now_pro_rated(customer_chat, services):
    """A customer moves from Europe Saver to World Unlimited now: credit $5.00, charge $15.00, net $10.00."""
    account, c = customer_chat("maria")
    assert_facts(c.say("change my plan to world unlimited from today"), "$10.00")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "world_unlimited"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("15.00")), ("prorated_credit", D("-5.00"))]
    customer_audit(c, account, "change_plan")


def test_plan_change_now_to_a_cheaper_plan(customer_chat, services):
    """A customer moves from World Unlimited to Europe Saver now: credit $10.16, charge $3.39, net -$6.77."""
    account, c = customer_chat("priya")
    assert_facts(c.say("i want to switch to europe saver immediately"), "$6.77")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "europe_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("3.39")), ("prorated_credit", D("-10.16"))]


def test_plan_change_next_cycle(customer_chat, services):
    """A customer moves to Europe Saver at the next cycle: from 2026-12-15, nothing billed now."""
    account, c = customer_chat("james")
    assert_facts(c.say("change me to europe saver at the start of my next billing cycle"), date_fact("2026-12-15"))
    c.say("yes")
    plan = services.plan(account.number)
    assert plan["plan"]["code"] == "pay_per_minute"
    assert any(p["plan"]["code"] == "europe_saver" and p["from"] == "2026-12-15" for p in plan["history"])
    assert c.new_billing(account.number) == []


# --- follow-ups ---------------------------------------------------------------------------------------

def test_follow_up_call_tomorrow(customer_chat, services):
    """A customer asks for a call tomorrow at 9am (yes if asked): one call on 2026-11-22 09:00."""
    account, c = customer_chat("priya")
    c.say("can someone call me tomorrow at 9am")
    c.say("yes")
    ups = services.follow_ups(account.number)
    assert len(ups) == 1 and ups[0]["channel"] == "call" and ups[0]["due_at"].startswith("2026-11-22T09:00")
    customer_audit(c, account, "schedule_follow_up")


# --- account questions --------------------------------------------------------------------------------

@pytest.mark.parametrize("shape, text, facts", [
    ("maria", "what plan am i on", ["Europe Saver", "$15.00"]),
    ("maria", "how many international minutes have i used this month", [r"\b134\b"]),
    ("maria", "how many of my included minutes are left", [r"\b175\b"]),
    ("james", "wats my intl usage costing me this cycle", ["$48.00"]),
    ("priya", "what are the restrictions on my plan", ["World Unlimited", r"3,?000"]),
    ("james", "show me my billing history", ["$7.99", "$2.99"]),
    ("maria", "when does my billing cycle end", [date_fact("2026-11-30")]),
])
def test_account_question(customer_chat, shape, text, facts):
    """A customer asks about their plan, usage, bill or cycle and gets the account's figures; nothing changes."""
    account, c = customer_chat(shape)
    assert_facts(c.say(text), *facts)
    assert c.new_audit(account.number) == []


# --- FAQs ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, facts", [
    ("how long does it take for a new service to be activated", [r"24\s*(h\b|hour)"]),
    ("whats your phone number for support", [r"1-800-123-4567"]),
    ("how do i contact the helpdesk by email", [r"support@quickconnect\.com"]),
    ("how can i check my international call usage", [r"usage\W{0,2}\s*tab"]),
    ("can i switch plans in the middle of the billing cycle", [r"pro-?\s?rat"]),
    ("what kinds of international plans are there", [r"unlimited", r"pay[\s-]*per[\s-]*minute", r"region|saver"]),
])
def test_faq_for_a_visitor(conversation, text, facts):
    """An anonymous visitor asks a knowledge-base question and gets its fact."""
    c = conversation("")
    assert_facts(c.say(text), *facts)


def test_faq_for_a_customer_changes_nothing(customer_chat, services):
    """A signed-in customer asks how to reach support: the phone number and e-mail, nothing changes."""
    account, c = customer_chat("maria")
    before = services.snapshot(account.number)
    assert_facts(c.say("Who do I contact if I have issues with my subscriptions?"),
                 r"1-800-123-4567", r"support@quickconnect\.com")
    assert_unchanged(c, account.number, before)


# --- handoff ------------------------------------------------------------------------------------------

def test_handoff_customer(customer_chat):
    """A customer asks for a real person: a handoff for their account exists."""
    account, c = customer_chat("maria")
    c.say("i want to talk to a real person")
    assert c.handoffs(account.number)


def test_handoff_indian_english(customer_chat):
    """A customer asks to be connected to a customer care executive: a handoff exists."""
    account, c = customer_chat("james")
    c.say("please connect me to customer care executive")
    assert c.handoffs(account.number)


def test_handoff_anonymous(conversation):
    """An anonymous visitor asks for a human: a handoff for the conversation exists."""
    c = conversation("")
    c.say("can i speak to a human agent pls")
    assert c.handoffs()


# --- out of scope -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "whats the weather in paris tomorrow",
    "write me a poem about cats",
    "book me a flight to delhi next week",
])
def test_out_of_scope_changes_nothing(customer_chat, services, text):
    """A customer asks something out of scope: a reply, and nothing on the account changes."""
    account, c = customer_chat("maria")
    before = services.snapshot(account.number)
    assert c.say(text).strip()
    assert_unchanged(c, account.number, before)


# --- corrections and digressions ----------------------------------------------------------------------

def test_correction_before_the_yes(customer_chat, services):
    """A customer asks for StreamMax TV Standard, then "actually make it premium", yes: Premium, $15.99."""
    account, c = customer_chat("james")
    assert_facts(c.say("add streammax standard"), "$11.99")
    assert_facts(c.say("actually make it premium"), "$15.99")
    c.say("yes")
    assert services.live(account.number, "streammax_tv")["tier"]["code"] == "premium"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("15.99"))]


def test_correction_of_the_plan(customer_chat, services):
    """A customer asks for Europe Saver now, then "no wait, americas saver instead", yes: Americas Saver, $9.60."""
    account, c = customer_chat("james")
    assert_facts(c.say("switch me to europe saver now"), "$12.00")
    assert_facts(c.say("no wait, americas saver instead"), "$9.60")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "americas_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("9.60"))]


def test_digression_faq_then_the_change_completes(customer_chat, services):
    """A customer starts cancelling Cloud Backup, asks the support phone number, then says yes: cancelled."""
    account, c = customer_chat("maria")
    c.say("cancel cloud backup")
    assert_facts(c.say("btw whats your support phone number"), r"1-800-123-4567")
    c.say("yes")
    assert services.live(account.number, "cloud_backup") is None
    assert amounts(c.new_billing(account.number)) == [("refund", D("-1.66"))]


def test_digression_activation_time_then_the_add_completes(customer_chat, services):
    """A customer starts adding Hotspot Boost 10 GB, asks how long activation takes, then "ok go ahead": added."""
    account, c = customer_chat("james")
    assert_facts(c.say("add hotspot boost 10gb"), "$4.00")
    c.say("how long does activation take?")
    c.say("ok yes go ahead")
    sub = services.live(account.number, "hotspot_boost")
    assert sub is not None and sub["tier"]["code"] == "10gb"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("4.00"))]


# --- no at a quote; other accounts ---------------------------------------------------------------------

def test_no_at_a_cancel_quote_changes_nothing(customer_chat, services):
    """A customer asks to cancel StreamMax TV, hears the quote, says no: nothing changes."""
    account, c = customer_chat("maria")
    before = services.snapshot(account.number)
    assert_facts(c.say("cancel streammax"), "$25.00")
    c.say("no")
    assert_unchanged(c, account.number, before)


def test_no_at_a_plan_quote_changes_nothing(customer_chat, services):
    """A customer asks for World Unlimited now, hears the quote, says "nah leave it": nothing changes."""
    account, c = customer_chat("james")
    before = services.snapshot(account.number)
    assert_facts(c.say("put me on world unlimited now"), "$36.00")
    c.say("nah leave it")
    assert_unchanged(c, account.number, before)


def test_customer_types_another_account_number(new_account, conversation, services):
    """A customer asks to cancel StreamMax TV "on QC-yyyy" (someone else's) and says yes: that account is untouched."""
    mine, other = new_account("maria"), new_account("maria")
    c = conversation(mine.token, mine.number, other.number)
    before = services.snapshot(other.number)
    c.say(f"cancel streammax on account {other.number}")
    c.say("yes")
    assert_unchanged(c, other.number, before)
    assert all(e["actor"] == mine.number for e in c.new_audit(mine.number))


def test_anonymous_visitor_cannot_change_an_account(new_account, conversation, services):
    """An anonymous visitor asks to cancel StreamMax TV on a named account and says yes: nothing changes."""
    account = new_account("maria")
    c = conversation("", account.number)
    before = services.snapshot(account.number)
    c.say(f"cancel streammax on {account.number}")
    c.say("yes")
    assert_unchanged(c, account.number, before)
