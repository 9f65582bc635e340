"""Kind 2: referring back to what was just discussed ("get rid of it", "that one", "that plan")."""
from .conftest import D, amounts, assert_facts


def test_go_on_then_get_rid_of_it(customer_chat, services):
    """A customer asks about their StreamMax TV, then "go on then, get rid of it", yes: it is cancelled."""
    account, c = customer_chat("maria")
    assert_facts(c.say("how much is my streammax costing me"), "StreamMax TV", "$19.99")
    assert_facts(c.say("go on then, get rid of it"), "$6.66", "$25.00")
    c.say("yes")
    assert services.live(account.number, "streammax_tv") is None
    assert amounts(c.new_billing(account.number)) == [("cancellation_fee", D("25.00")), ("refund", D("-6.66"))]
    assert services.live(account.number, "cloud_backup")["status"] == "active"


def test_sign_me_up_for_that_one(customer_chat, services):
    """A customer asks what Visual Voicemail is, then "sign me up for that one", yes: it is pending."""
    account, c = customer_chat("maria")
    assert_facts(c.say("whats visual voicemail"), "Visual Voicemail")
    assert_facts(c.say("sign me up for that one"), "$1.00")
    c.say("yes")
    sub = services.live(account.number, "visual_voicemail")
    assert sub is not None and sub["status"] == "pending_activation"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.00"))]


def test_put_me_on_that_plan(customer_chat, services):
    """A customer asks about Americas Saver, then "put me on that plan from today", yes: plan changed, $9.60."""
    account, c = customer_chat("james")
    assert_facts(c.say("tell me about the americas saver plan"), "Americas Saver", "$12.00")
    assert_facts(c.say("ok put me on that plan from today"), "$9.60")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "americas_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("9.60"))]


def test_switch_me_to_it(customer_chat, services):
    """A customer asks what Europe Saver covers, then "switch me to it now", yes: plan changed, $12.00."""
    account, c = customer_chat("james")
    assert_facts(c.say("what countries does europe saver cover"), "Europe Saver", "Europe")
    assert_facts(c.say("right, switch me to it now"), "$12.00")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "europe_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("12.00"))]


def test_and_on_the_unlimited_one(conversation):
    """A visitor asks the rate to Nigeria on Americas Saver ($0.35), then "and on the unlimited one?"."""
    c = conversation("")
    assert_facts(c.say("how much is it to call nigeria on the americas saver"), "Nigeria", "$0.35")
    assert_facts(c.say("and on the unlimited one?"), "World Unlimited")


def test_add_the_plus_one(customer_chat, services):
    """A customer asks about Device Protection, then "ok add the plus one", yes: Plus is pending, $4.00."""
    account, c = customer_chat("maria")
    assert_facts(c.say("tell me about device protection"), "Device Protection", "$7.99", "$11.99")
    assert_facts(c.say("ok add the plus one"), "$4.00")
    c.say("yes")
    sub = services.live(account.number, "device_protection")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "plus"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("4.00"))]


def test_two_services_discussed_the_assistant_asks_which(customer_chat, services):
    """A customer asks about Family Locator and Caller ID Plus, says "sign me up for it", names Family
    Locator (up to 3) when asked which, yes: only Family Locator is added."""
    account, c = customer_chat("maria")
    assert_facts(c.say("what are family locator and caller id plus"), "Family Locator", "Caller ID Plus")
    c.say("sign me up for it")
    assert c.new_audit(account.number) == []
    c.say("family locator, up to 3 members")
    c.say("yes")
    sub = services.live(account.number, "family_locator")
    assert sub is not None and sub["tier"]["code"] == "up_to_3"
    assert services.live(account.number, "caller_id_plus") is None
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.66"))]


def test_two_own_services_discussed_cancel_it_asks_which(customer_chat, services):
    """A customer asks about both their StreamMax TV and Cloud Backup, says "cancel it", answers "the
    cloud one" when asked which, yes: only Cloud Backup is cancelled."""
    account, c = customer_chat("maria")
    c.say("what would it cost me to cancel streammax? and what about cloud backup?")
    c.say("ok cancel it")
    assert c.new_audit(account.number) == []
    c.say("the cloud backup")
    c.say("yes")
    assert services.live(account.number, "cloud_backup") is None
    assert services.live(account.number, "streammax_tv")["status"] == "active"
    assert amounts(c.new_billing(account.number)) == [("refund", D("-1.66"))]
