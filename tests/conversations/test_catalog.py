"""Kind 1: browsing the add-on catalog (anyone, also anonymous), then signing up from a description."""
import pytest

from .conftest import D, amounts, assert_facts


@pytest.mark.parametrize("text, facts", [
    ("what add-ons do you offer?",
     ["StreamMax TV", "Cloud Backup", "Device Protection", "Hotspot Boost", "Visual Voicemail", "Family Locator",
      "Caller ID Plus"]),
    ("wat extras can i get on my phone",
     ["StreamMax TV", "Cloud Backup", "Device Protection", "Hotspot Boost", "Visual Voicemail", "Family Locator",
      "Caller ID Plus"]),
    ("Hi there, could you list the additional services you lot have on offer?",
     ["StreamMax TV", "Cloud Backup", "Device Protection", "Hotspot Boost", "Visual Voicemail", "Family Locator",
      "Caller ID Plus"]),
    ("what is streammax tv and how much is it",
     ["StreamMax TV", "Basic", "Standard", "Premium", "$9.99", "$14.99", "$19.99"]),
    ("how much does cloud backup cost per month",
     ["Cloud Backup", "50 GB", "200 GB", "2 TB", "$2.99", "$4.99", "$9.99"]),
    ("tell me about hotspot boost", ["Hotspot Boost", "10 GB", "30 GB", "Unlimited", "$5.00", "$10.00", "$15.00"]),
    ("what are the tiers for family locator", ["Family Locator", r"up to 3", r"up to 6", "$4.99", "$7.99"]),
    ("whats the cancellation fee on streammax", ["StreamMax TV", "$25.00", r"12[\s-]*month"]),
    ("is there a minimum term for device protection", ["Device Protection", r"6[\s-]*month"]),
    ("how long does caller id plus take to activate", ["Caller ID Plus", r"48\s*(h\b|hour)"]),
    ("what does visual voicemail do and what does it cost", ["Visual Voicemail", "$2.99"]),
    ("kindly tell me the price of device protection plans", ["Device Protection", "Standard", "Plus", "$7.99", "$11.99"]),
])
def test_anonymous_visitor_browses_the_catalog(conversation, text, facts):
    """An anonymous visitor asks about the add-ons and gets the catalog's names, tiers, prices and terms."""
    c = conversation("")
    assert_facts(c.say(text), *facts)


def test_signed_in_customer_asks_for_activation_time_of_hotspot(customer_chat):
    """A customer asks how fast Hotspot Boost goes live and hears its one hour."""
    account, c = customer_chat("maria")
    assert_facts(c.say("if i get hotspot boost how quickly does it start working"), "Hotspot Boost", r"\b(1|one)\s*(h\b|hour)")


def test_description_then_sign_up_for_the_middle_tier(customer_chat, services):
    """A customer reads about StreamMax TV, says "sign me up for the middle tier", accepts: Standard is pending."""
    account, c = customer_chat("james")
    assert_facts(c.say("what's streammax tv?"), "StreamMax TV")
    assert_facts(c.say("sounds good, sign me up for the middle tier"), "Standard", "$11.99")
    c.say("yes")
    sub = services.live(account.number, "streammax_tv")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "standard"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("11.99"))]


def test_cloud_backup_prices_then_the_biggest_one(customer_chat, services):
    """A customer asks the Cloud Backup prices, then "ill take the 2tb one then", yes: 2 TB is pending."""
    account, c = customer_chat("james")
    assert_facts(c.say("how much is cloud backup"), "$2.99", "$4.99", "$9.99")
    assert_facts(c.say("ill take the 2tb one then"), "$7.99")
    c.say("yes please")
    sub = services.live(account.number, "cloud_backup")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "2tb"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("7.99"))]


def test_family_locator_description_then_bigger_tier(customer_chat, services):
    """A customer asks what Family Locator is, then "sign me up, the 6 member one", yes: Up to 6 is pending."""
    account, c = customer_chat("priya")
    assert_facts(c.say("what is family locator"), "Family Locator")
    assert_facts(c.say("nice, sign me up, the 6 member one"), "$1.80")
    c.say("yes")
    sub = services.live(account.number, "family_locator")
    assert sub is not None and sub["status"] == "pending_activation" and sub["tier"]["code"] == "up_to_6"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("1.80"))]
