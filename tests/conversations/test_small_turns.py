"""Kind 7: small turns: "yes" to a did-you-mean, a stray "ok"/"yes" after a change (nothing more
changes), "what did you just change?" (the last outcome is repeated)."""
from .conftest import D, amounts, assert_facts, money_in


def test_yes_to_a_did_you_mean_then_yes_to_the_quote(customer_chat, services):
    """A customer misspells Cloud Backup badly, says yes (to a did-you-mean or the quote) and yes again:
    Cloud Backup is cancelled exactly once."""
    account, c = customer_chat("maria")
    c.say("cancle my clowd bakup")
    c.say("yes")
    c.say("yes")
    assert services.live(account.number, "cloud_backup") is None
    assert amounts(c.new_billing(account.number)) == [("refund", D("-1.66"))]
    assert [e["action"] for e in c.new_audit(account.number)] == ["cancel_service"]


def test_yes_to_a_did_you_mean_on_a_catalog_question(conversation):
    """A visitor asks about "famly locater"; after a yes to a did-you-mean (if any) the prices appear."""
    c = conversation("")
    replies = c.say("how much is famly locater")
    if not money_in("$7.99", replies):
        replies += c.say("yes")
    assert_facts(replies, "Family Locator", "$4.99", "$7.99")


def test_stray_ok_after_a_cancel_changes_nothing(customer_chat, services):
    """A customer cancels Cloud Backup, yes, then "ok": one cancellation, one refund, one audit entry."""
    account, c = customer_chat("maria")
    c.say("cancel cloud backup")
    c.say("yes")
    c.say("ok")
    assert services.live(account.number, "cloud_backup") is None
    assert amounts(c.new_billing(account.number)) == [("refund", D("-1.66"))]
    assert len(c.new_audit(account.number)) == 1


def test_stray_yes_after_an_add_changes_nothing(customer_chat, services):
    """A customer adds Visual Voicemail, yes, then another "yes": one subscription, one charge, one audit entry."""
    account, c = customer_chat("maria")
    c.say("add visual voicemail")
    c.say("yes")
    c.say("yes")
    rows = [s for s in services.subscriptions(account.number) if s["service"]["code"] == "visual_voicemail"]
    assert len(rows) == 1 and rows[0]["status"] == "pending_activation"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.00"))]
    assert len(c.new_audit(account.number)) == 1


def test_thanks_after_a_plan_change_changes_nothing(customer_chat, services):
    """A customer moves to Americas Saver now, yes, then "great thanks": one plan change, nothing more."""
    account, c = customer_chat("maria")
    c.say("put me on americas saver now")
    c.say("yes")
    c.say("great thanks")
    assert services.plan(account.number)["plan"]["code"] == "americas_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("4.00")), ("prorated_credit", D("-5.00"))]
    assert len(c.new_audit(account.number)) == 1


def test_what_did_you_just_change_after_an_add(customer_chat, services):
    """A customer adds Hotspot Boost 10 GB, yes, then "what did you just change?": Hotspot Boost is named."""
    account, c = customer_chat("maria")
    c.say("add hotspot boost 10 gb")
    c.say("yes")
    assert_facts(c.say("what did you just change?"), "Hotspot Boost")
    assert len(c.new_audit(account.number)) == 1
    assert services.live(account.number, "hotspot_boost")["tier"]["code"] == "10gb"


def test_what_did_you_just_change_after_a_plan_change(customer_chat, services):
    """A customer moves to World Unlimited now, yes, then "sorry what did u just do": World Unlimited is named."""
    account, c = customer_chat("maria")
    c.say("change my plan to world unlimited now")
    c.say("yes")
    assert_facts(c.say("sorry what did u just change on my account"), "World Unlimited")
    assert len(c.new_audit(account.number)) == 1
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("15.00")), ("prorated_credit", D("-5.00"))]


def test_agent_stray_ok_after_a_change(new_account, agent_chat, services):
    """An agent cancels Visual Voicemail on a named account, yes, then "ok ty": exactly one cancellation."""
    account = new_account("james")
    c = agent_chat(account.number)
    c.say(f"cancel visual voicemail on {account.number}")
    c.say("yes")
    c.say("ok ty")
    assert services.live(account.number, "visual_voicemail") is None
    assert amounts(c.new_billing(account.number)) == [("refund", D("-2.39"))]
    assert len(c.new_audit(account.number)) == 1
