"""Kind 6: agents in the employee portal's widget. Without an account in the request the assistant
must ask which one; the agent answers with a bare account number; the change is audited as agent-ana
(role agent, channel agent_widget)."""
from .conftest import D, amounts, assert_audit, assert_facts

AGENT = ("agent-ana", "agent", "agent_widget")


def test_agent_cancel_without_account(new_account, agent_chat, services):
    """An agent: "the customer would like to drop streammax"; asked which account, answers it; yes."""
    account = new_account("maria")
    c = agent_chat(account.number)
    c.say("the customer would like to drop streammax")
    assert c.new_audit(account.number) == []
    assert_facts(c.say(account.number), "$6.66", "$25.00")
    c.say("yes")
    assert services.live(account.number, "streammax_tv") is None
    assert amounts(c.new_billing(account.number)) == [("cancellation_fee", D("25.00")), ("refund", D("-6.66"))]
    assert_audit(c.new_audit(account.number), "cancel_service", *AGENT)


def test_agent_add_without_account(new_account, agent_chat, services):
    """An agent: "customer wants to add family locator up to 6 members"; gives the account; yes."""
    account = new_account("james")
    c = agent_chat(account.number)
    c.say("customer wants to add family locator up to 6 members")
    assert c.new_audit(account.number) == []
    assert_facts(c.say(account.number), "$6.39")
    c.say("yes")
    sub = services.live(account.number, "family_locator")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "up_to_6"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("6.39"))]
    assert_audit(c.new_audit(account.number), "add_service", *AGENT)


def test_agent_upgrade_without_account(new_account, agent_chat, services):
    """An agent: "cx would like to upgrade their cloud backup to 2tb"; gives the account; yes."""
    account = new_account("maria")
    c = agent_chat(account.number)
    c.say("cx would like to upgrade their cloud backup to 2tb")
    assert c.new_audit(account.number) == []
    assert_facts(c.say(account.number), "$1.67")
    c.say("yes")
    assert services.live(account.number, "cloud_backup")["tier"]["code"] == "2tb"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.67"))]
    assert_audit(c.new_audit(account.number), "modify_service", *AGENT)


def test_agent_downgrade_without_account_indian_english(new_account, agent_chat, services):
    """An agent: "kindly downgrade streammax to basic for the customer"; gives the account; yes: fee $5.00."""
    account = new_account("maria")
    c = agent_chat(account.number)
    c.say("kindly downgrade streammax to basic for the customer")
    assert c.new_audit(account.number) == []
    assert_facts(c.say(account.number), "$3.33", "$5.00")
    c.say("yes")
    assert services.live(account.number, "streammax_tv")["tier"]["code"] == "basic"
    assert amounts(c.new_billing(account.number)) == [("modification_fee", D("5.00")), ("prorated_credit", D("-3.33"))]
    assert_audit(c.new_audit(account.number), "modify_service", *AGENT)


def test_agent_plan_change_without_account(new_account, agent_chat, services):
    """An agent: "caller wants to move to the asia pacific saver now"; gives the account; yes: $16.00."""
    account = new_account("james")
    c = agent_chat(account.number)
    c.say("caller wants to move to the asia pacific saver now")
    assert c.new_audit(account.number) == []
    assert_facts(c.say(account.number), "$16.00")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "asia_pacific_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("16.00"))]
    assert_audit(c.new_audit(account.number), "change_plan", *AGENT)


def test_agent_follow_up_without_account(new_account, agent_chat, services):
    """An agent: "schedule a follow up call for the customer on friday at 11am"; gives the account (yes if
    asked): one call follow-up on 2026-11-27 11:00."""
    account = new_account("maria")
    c = agent_chat(account.number)
    c.say("schedule a follow up call for the customer on friday at 11am")
    assert services.follow_ups(account.number) == []
    c.say(account.number)
    c.say("yes")
    ups = services.follow_ups(account.number)
    assert len(ups) == 1
    assert ups[0]["channel"] == "call" and ups[0]["due_at"].startswith("2026-11-27T11:00")
    assert_audit(c.new_audit(account.number), "schedule_follow_up", *AGENT)


def test_agent_asks_the_plan_without_account(new_account, agent_chat):
    """An agent: "what plan is the customer on"; gives the account: Pay-Per-Minute."""
    account = new_account("james")
    c = agent_chat(account.number)
    c.say("what plan is the customer on")
    assert_facts(c.say(account.number), "Pay-Per-Minute")
    assert c.new_audit(account.number) == []


def test_agent_asks_usage_without_account(new_account, agent_chat):
    """An agent: "how many intl minutes has the caller used this cycle"; gives the account: 165 minutes."""
    account = new_account("james")
    c = agent_chat(account.number)
    c.say("how many intl minutes has the caller used this cycle")
    assert_facts(c.say(account.number), r"\b165\b")
    assert c.new_audit(account.number) == []


def test_agent_names_the_account_up_front(new_account, agent_chat, services):
    """An agent: "QC-xxxx wants to cancel visual voicemail", yes: cancelled, refund $2.39, audited as agent."""
    account = new_account("james")
    c = agent_chat(account.number)
    assert_facts(c.say(f"{account.number} wants to cancel visual voicemail"), "$2.39")
    c.say("yes")
    assert services.live(account.number, "visual_voicemail") is None
    assert amounts(c.new_billing(account.number)) == [("refund", D("-2.39"))]
    assert_audit(c.new_audit(account.number), "cancel_service", *AGENT)


def test_agent_names_the_account_in_a_later_message(new_account, agent_chat, services):
    """An agent asks about Device Protection prices, then "ok customer on QC-xxxx wants the plus one", yes."""
    account = new_account("maria")
    c = agent_chat(account.number)
    assert_facts(c.say("device protection prices?"), "$7.99", "$11.99")
    assert_facts(c.say(f"ok customer on {account.number} wants the plus one"), "$4.00")
    c.say("yes")
    assert services.live(account.number, "device_protection")["tier"]["code"] == "plus"
    assert_audit(c.new_audit(account.number), "add_service", *AGENT)


def test_agent_plan_next_cycle_third_person(new_account, agent_chat, services):
    """An agent: "customer on QC-xxxx wants europe saver from next cycle", yes: scheduled for 2026-11-28."""
    account = new_account("priya")
    c = agent_chat(account.number)
    c.say(f"customer on {account.number} wants europe saver from next cycle")
    c.say("yes")
    plan = services.plan(account.number)
    assert plan["plan"]["code"] == "world_unlimited"
    assert any(p["plan"]["code"] == "europe_saver" and p["from"] == "2026-11-28" for p in plan["history"])
    assert c.new_billing(account.number) == []
    assert_audit(c.new_audit(account.number), "change_plan", *AGENT)
