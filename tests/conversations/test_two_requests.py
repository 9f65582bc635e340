"""Kind 3: two requests in one message; each gets its own quote and its own yes."""
from .conftest import D, amounts, assert_facts

STREAMMAX_STANDARD = [{"service": "streammax_tv", "tier": "standard", "status": "active", "started_days_ago": 100}]


def test_drop_hotspot_and_give_me_family_locator(customer_chat, services):
    """A customer drops Hotspot Boost and adds Family Locator in one message, yes to each: both done."""
    account, c = customer_chat("priya")
    first = c.say("drop hotspot boost and give me family locator for up to 3 people")
    second = c.say("yes")
    third = c.say("yes")
    assert_facts(first + second + third, "$2.26", "$1.13")
    assert services.live(account.number, "hotspot_boost") is None
    sub = services.live(account.number, "family_locator")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "up_to_3"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.13")), ("refund", D("-2.26"))]


def test_upgrade_streammax_and_put_me_on_europe_saver(customer_chat, services):
    """A customer upgrades StreamMax TV to Premium and moves to Europe Saver now, yes to each: both done."""
    account, c = customer_chat("james", add_subscriptions=STREAMMAX_STANDARD)
    first = c.say("upgrade streammax to premium and put me on europe saver from today")
    second = c.say("yes")
    third = c.say("yes")
    assert_facts(first + second + third, "$4.00", "$12.00")
    assert services.live(account.number, "streammax_tv")["tier"]["code"] == "premium"
    assert services.plan(account.number)["plan"]["code"] == "europe_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("4.00")), ("prorated_charge", D("12.00"))]


def test_no_to_the_first_yes_to_the_second(customer_chat, services):
    """A customer asks to cancel Cloud Backup and downgrade StreamMax TV to Basic, says no to the
    cancellation and yes to the downgrade: only the downgrade happens."""
    account, c = customer_chat("maria")
    first = c.say("cancel my cloud backup and downgrade streammax to basic")
    assert_facts(first, "Cloud Backup")
    c.say("no")
    c.say("yes")
    assert services.live(account.number, "cloud_backup")["tier"]["code"] == "200gb"
    assert services.live(account.number, "streammax_tv")["tier"]["code"] == "basic"
    assert amounts(c.new_billing(account.number)) == [("modification_fee", D("5.00")), ("prorated_credit", D("-3.33"))]
    assert [e["action"] for e in c.new_audit(account.number)] == ["modify_service"]


def test_yes_to_the_first_no_to_the_second(customer_chat, services):
    """A customer adds Visual Voicemail and Hotspot Boost 10 GB, yes to the first, no to the second."""
    account, c = customer_chat("maria")
    c.say("add visual voicemail and hotspot boost 10gb pls")
    c.say("yes")
    c.say("no thanks")
    assert services.live(account.number, "visual_voicemail")["status"] == "pending_activation"
    assert services.live(account.number, "hotspot_boost") is None
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.00"))]


def test_british_cancel_and_plan_change_next_month(customer_chat, services):
    """A customer cancels Cloud Backup and moves to World Unlimited from the next cycle, yes to each."""
    account, c = customer_chat("maria")
    c.say("Could you cancel my cloud backup and also pop me onto world unlimited from next billing cycle, cheers")
    c.say("yes")
    c.say("yes")
    assert services.live(account.number, "cloud_backup") is None
    plan = services.plan(account.number)
    assert plan["plan"]["code"] == "europe_saver"
    assert any(p["plan"]["code"] == "world_unlimited" and p["from"] == "2026-12-01" for p in plan["history"])
    assert amounts(c.new_billing(account.number)) == [("refund", D("-1.66"))]


def test_agent_two_requests_for_named_account(new_account, agent_chat, services):
    """An agent asks, for a named account, to cancel Visual Voicemail and add Cloud Backup 50 GB; yes to each."""
    account = new_account("james")
    c = agent_chat(account.number)
    c.say(f"{account.number}: cancel visual voicemail and add cloud backup 50gb")
    c.say("yes")
    c.say("yes")
    assert services.live(account.number, "visual_voicemail") is None
    assert services.live(account.number, "cloud_backup")["tier"]["code"] == "50gb"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("2.39")), ("refund", D("-2.39"))]
    for e in c.new_audit(account.number):
        assert (e["actor"], e["role"], e["channel"]) == ("agent-ana", "agent", "agent_widget")
