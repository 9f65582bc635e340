"""Kind 4: everything said up front is used, so the conversation needs only the turns a person would:
the request (and a yes for a change). Checked by the final state after exactly those turns."""
import pytest

from .conftest import D, amounts, assert_facts


@pytest.mark.parametrize("text, best, cost", [
    ("i call germany and france about 200 mins a month, whats the best plan for me", "Europe Saver", "$15.00"),
    ("Which plan is cheapest if I ring India and the Philippines around 400 minutes every month?",
     "Asia Pacific Saver", "$28.00"),
    ("best plan for calling mexico and brazil, roughly 600 minutes monthly", "Americas Saver", "$16.00"),
    ("recommend a plan: uk and india, 300 min per month", "Asia Pacific Saver", "$42.50"),
    ("i mostly call nigeria and kenya maybe 150 minutes a month which plan should i take", "World Unlimited", "$45.00"),
])
def test_recommendation_in_one_message(customer_chat, text, best, cost):
    """A customer gives countries and minutes in one message and gets the cheapest plan with its cost."""
    account, c = customer_chat("james")
    assert_facts(c.say(text), best, cost)


def test_recommendation_for_a_visitor(conversation):
    """An anonymous visitor gives countries and minutes and gets the cheapest plan with its cost."""
    c = conversation("")
    assert_facts(c.say("what plan would suit me if i call spain and italy about 250 minutes a month"),
                 "Europe Saver", "$15.00")


def test_plan_change_starting_next_cycle(customer_chat, services):
    """A customer asks for World Unlimited "starting next cycle", yes: scheduled for 2026-12-01, no charge now."""
    account, c = customer_chat("maria")
    c.say("switch me to world unlimited starting next cycle")
    c.say("yes")
    plan = services.plan(account.number)
    assert plan["plan"]["code"] == "europe_saver"
    assert any(p["plan"]["code"] == "world_unlimited" and p["from"] == "2026-12-01" for p in plan["history"])
    assert c.new_billing(account.number) == []


def test_add_with_the_tier_in_the_message(customer_chat, services):
    """A customer asks for Hotspot Boost 30 GB, yes: 30 GB is pending, $3.33 charged."""
    account, c = customer_chat("maria")
    assert_facts(c.say("add hotspot boost 30gb please"), "$3.33")
    c.say("yes")
    sub = services.live(account.number, "hotspot_boost")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "30gb"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("3.33"))]


def test_modify_with_the_tier_in_the_message(customer_chat, services):
    """A customer asks to move Hotspot Boost to Unlimited, yes: Unlimited, $1.13 charged."""
    account, c = customer_chat("priya")
    assert_facts(c.say("can u bump my hotspot to unlimited"), "$1.13")
    c.say("yes")
    assert services.live(account.number, "hotspot_boost")["tier"]["code"] == "unlimited"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.13"))]


def test_ring_me_thursday_at_4pm(customer_chat, services):
    """A customer says "ring me thursday at 4pm" (and yes if asked): one call follow-up on 2026-11-26 16:00."""
    account, c = customer_chat("maria")
    c.say("ring me thursday at 4pm about my plan")
    c.say("yes")
    ups = services.follow_ups(account.number)
    assert len(ups) == 1
    assert ups[0]["channel"] == "call" and ups[0]["due_at"].startswith("2026-11-26T16:00")


def test_message_me_on_a_date(customer_chat, services):
    """A customer asks for a message on 30 November at 10am (and yes if asked): one message follow-up."""
    account, c = customer_chat("james")
    c.say("can you send me a message on 30 november at 10am to check the new plan is ok")
    c.say("yes")
    ups = services.follow_ups(account.number)
    assert len(ups) == 1
    assert ups[0]["channel"] == "message" and ups[0]["due_at"].startswith("2026-11-30T10:00")
