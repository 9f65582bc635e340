"""Kind 5: typos in country, plan and service names; the answers carry the catalog's figures.
A did-you-mean may come first: then the user says "yes" once and the answer must follow."""
import pytest

from .conftest import D, amounts, assert_facts, money_in


def answer(c, text, facts):
    """Ask; if the facts are not all in the reply, confirm a did-you-mean once with "yes"."""
    reply = c.say(text)
    try:
        assert_facts(reply, *facts)
    except AssertionError:
        assert_facts(reply + "\n" + c.say("yes"), *facts)


@pytest.mark.parametrize("text, facts", [
    ("how much to call germny", ["Germany", "$0.15"]),
    ("whats the rate for calling the phillipines", ["Philippines", "$0.20"]),
    ("calls to brazl how much per min", ["Brazil", "$0.10"]),
    ("rate for s korea?", ["Korea", "$0.20"]),
    ("how much is it to phone the uk", [r"United Kingdom|\bUK\b|Britain", "$0.15"]),
    ("per minute price to nigera", ["Nigeria", "$0.35"]),
])
def test_rates_with_a_typo_in_the_country(customer_chat, text, facts):
    """A Pay-Per-Minute customer asks the rate to a misspelt country and gets its continent's rate."""
    account, c = customer_chat("james")
    answer(c, text, facts)


def test_europ_saver_coverage(conversation):
    """A visitor asks what "europ saver" covers: Europe Saver, Europe."""
    c = conversation("")
    answer(c, "what does the europ saver cover", ["Europe Saver", "Europe"])


def test_asia_saver_typo_price(conversation):
    """A visitor asks the price of "asia pacfic saver": $20.00 with 300 minutes."""
    c = conversation("")
    answer(c, "how much is asia pacfic saver a month", ["Asia Pacific Saver", "$20.00"])


def test_streamax_tiers(conversation):
    """A visitor asks about "streamax" and gets StreamMax TV's three prices."""
    c = conversation("")
    answer(c, "streamax prices?", ["StreamMax TV", "$9.99", "$14.99", "$19.99"])


def test_germny_on_europe_saver_is_included(customer_chat):
    """A Europe Saver customer asks about calls to "germny": Germany, counted in the 300 included minutes."""
    account, c = customer_chat("maria")
    answer(c, "are calls to germny included in my plan", ["Germany", "Europe Saver", "300"])


def test_cancel_streamax_with_a_typo(customer_chat, services):
    """A customer cancels "streamax" (typo), yes (and one more yes for a did-you-mean if asked)."""
    account, c = customer_chat("maria")
    replies = c.say("cancel my streamax")
    if not money_in("$6.66", replies):
        replies += c.say("yes")
    assert_facts(replies, "$6.66", "$25.00")
    c.say("yes")
    assert services.live(account.number, "streammax_tv") is None
    assert amounts(c.new_billing(account.number)) == [("cancellation_fee", D("25.00")), ("refund", D("-6.66"))]


def test_move_to_europ_saver_with_a_typo(customer_chat, services):
    """A customer asks to move to "europ saver" now, yes (one more yes for a did-you-mean if asked)."""
    account, c = customer_chat("james")
    replies = c.say("move me to the europ saver plan now")
    if not money_in("$12.00", replies):
        replies += c.say("yes")
    assert_facts(replies, "$12.00")
    c.say("yes")
    assert services.plan(account.number)["plan"]["code"] == "europe_saver"
    assert amounts(c.new_billing(account.number)) == [("prorated_charge", D("12.00"))]
