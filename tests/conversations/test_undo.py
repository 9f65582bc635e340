"""Kind 8: undo the last change right after it ("that was a mistake, undo it"): quoted, yes, and the
account is exactly as before (same tier, same start date, same plan) with the change's billing
entries netting to zero. (Specified; being built.)"""
from decimal import Decimal

from .conftest import TODAY, write_as_customer

ZERO = Decimal("0.00")


def same(sub: dict, before: dict) -> bool:
    keys = ("tier", "started_on", "status")
    return sub is not None and {k: sub[k] for k in keys} == {k: before[k] for k in keys}


def test_undo_a_cancellation(customer_chat, services):
    """A customer cancels StreamMax TV, yes, "that was a mistake, undo it", yes: Premium is back as it was."""
    account, c = customer_chat("maria")
    before = services.live(account.number, "streammax_tv")
    c.say("cancel streammax")
    c.say("yes")
    assert services.live(account.number, "streammax_tv") is None
    c.say("that was a mistake, undo it")
    c.say("yes")
    assert same(services.live(account.number, "streammax_tv"), before)
    assert c.net_billing(account.number) == ZERO


def test_undo_an_add(customer_chat, services):
    """A customer adds Hotspot Boost 10 GB, yes, "change it back", yes: no Hotspot Boost, billing nets to zero."""
    account, c = customer_chat("maria")
    c.say("add hotspot boost 10gb")
    c.say("yes")
    assert services.live(account.number, "hotspot_boost") is not None
    c.say("change it back")
    c.say("yes")
    assert services.live(account.number, "hotspot_boost") is None
    assert c.net_billing(account.number) == ZERO


def test_undo_an_upgrade(customer_chat, services):
    """A customer upgrades Cloud Backup to 2 TB, yes, "undo that", yes: 200 GB as before, nets to zero."""
    account, c = customer_chat("maria")
    before = services.live(account.number, "cloud_backup")
    c.say("upgrade my cloud backup to 2tb")
    c.say("yes")
    assert services.live(account.number, "cloud_backup")["tier"]["code"] == "2tb"
    c.say("undo that")
    c.say("yes")
    assert same(services.live(account.number, "cloud_backup"), before)
    assert c.net_billing(account.number) == ZERO


def test_undo_a_downgrade_with_a_fee(customer_chat, services):
    """A customer downgrades StreamMax TV to Standard (fee $5.00), yes, "that was a mistake, put it back
    how it was", yes: Premium again and the fee and credit net to zero."""
    account, c = customer_chat("maria")
    before = services.live(account.number, "streammax_tv")
    c.say("downgrade streammax to standard")
    c.say("yes")
    assert services.live(account.number, "streammax_tv")["tier"]["code"] == "standard"
    c.say("that was a mistake, put it back how it was")
    c.say("yes")
    assert same(services.live(account.number, "streammax_tv"), before)
    assert c.net_billing(account.number) == ZERO


def test_undo_a_plan_change_now(customer_chat, services):
    """A customer moves to World Unlimited now, yes, "go back to my old plan", yes: Europe Saver as before."""
    account, c = customer_chat("maria")
    before = services.plan(account.number)["plan"]
    c.say("switch me to world unlimited right away")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "world_unlimited"
    c.say("go back to my old plan")
    c.say("yes")
    after = services.plan(account.number)["plan"]
    assert (after["code"], after["since"]) == (before["code"], before["since"])
    assert c.net_billing(account.number) == ZERO


def test_undo_a_scheduled_plan_change(customer_chat, services):
    """A customer schedules Europe Saver for the next cycle, yes, "actually undo that", yes: nothing scheduled."""
    account, c = customer_chat("james")
    c.say("move me to europe saver from the next billing cycle")
    c.say("yes")
    assert any(p["from"] > TODAY for p in services.plan(account.number)["history"])
    c.say("hmm actually undo that")
    c.say("yes")
    plan = services.plan(account.number)
    assert plan["plan"]["code"] == "pay_per_minute"
    assert all(p["plan"]["code"] == "pay_per_minute" for p in plan["history"] if p["from"] > TODAY)
    assert c.net_billing(account.number) == ZERO


def test_undo_indian_english(customer_chat, services):
    """A customer adds Caller ID Plus Basic, yes, "kindly revert the change i did just now", yes: gone, nets to zero."""
    account, c = customer_chat("james")
    c.say("please add caller id plus basic")
    c.say("yes")
    assert services.live(account.number, "caller_id_plus") is not None
    c.say("kindly revert the change i did just now")
    c.say("yes")
    assert services.live(account.number, "caller_id_plus") is None
    assert c.net_billing(account.number) == ZERO


def test_agent_undoes_the_customers_own_change(new_account, agent_chat, services):
    """The customer cancelled Visual Voicemail on the website; an agent: "undo the last change on QC-xxxx",
    yes: Visual Voicemail is back as it was, billing nets to zero, the undo audited as agent-ana."""
    account = new_account("james")
    before = services.live(account.number, "visual_voicemail")
    c = agent_chat(account.number)
    write_as_customer(account, "/subscriptions/visual_voicemail/cancel", {}, f"web-cancel-{account.number}")
    assert services.live(account.number, "visual_voicemail") is None
    c.say(f"undo the last change on {account.number}")
    c.say("yes")
    assert same(services.live(account.number, "visual_voicemail"), before)
    assert c.net_billing(account.number) == ZERO
    mine = [e for e in c.new_audit(account.number) if e["actor"] == "agent-ana"]
    assert mine and all((e["role"], e["channel"]) == ("agent", "agent_widget") for e in mine)


def test_agent_undoes_own_change(new_account, agent_chat, services):
    """An agent upgrades Device Protection to Plus on a named account, yes, then "undo the last change on
    QC-xxxx", yes: Standard as before, billing nets to zero."""
    account = new_account("james")
    before = services.live(account.number, "device_protection")
    c = agent_chat(account.number)
    c.say(f"upgrade device protection to plus on {account.number}")
    c.say("yes")
    assert services.live(account.number, "device_protection")["tier"]["code"] == "plus"
    c.say(f"undo the last change on {account.number}")
    c.say("yes")
    assert same(services.live(account.number, "device_protection"), before)
    assert c.net_billing(account.number) == ZERO
