"""Secrets people type are masked before Rasa sees the message (bot/typed_secrets.py)."""
import pytest

from bot.typed_secrets import CARD_MASK, TOKEN_MASK, luhn_valid, mask


@pytest.mark.parametrize("typed, shown", [
    ("my pin is 4821", "my pin is ****"),
    ("My PIN: 4821, thanks", "My PIN: ****, thanks"),
    ("password: hunter2", "password: ****"),
    ("my password is swordfish", "my password is ****"),
    ("passcode=x9y8", "passcode=****"),
    ("my pin's 0000.", "my pin's ****."),
    ("pin 4821", "pin ****"),
    ("the pin code 1234 does not work", "the pin code **** does not work"),
    ("4821 is my pin", "**** is my pin"),
    ("my security code is 123", "my security code is ****"),
    ("QC-1001 pin 1234", "QC-1001 pin ****"),
])
def test_a_pin_or_password_after_a_cue_is_masked(typed, shown):
    assert mask(typed) == (shown, ["pin"])


@pytest.mark.parametrize("typed", [
    "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5500 0000 0000 0004",
    "378282246310005",             # 15 digits (Amex)
    "6011000990139424",
    "4222222222222",               # 13 digits
])
def test_luhn_valid_card_numbers_of_13_to_19_digits_are_masked(typed):
    assert mask(f"my card is {typed} ok") == (f"my card is {CARD_MASK} ok", ["card"])


@pytest.mark.parametrize("text", [
    "I forgot my pin", "what is my pin?", "reset my password please", "my password is wrong",
    "my pin is not working", "change my pin", "what pin do I need",
    "4111111111111112",            # fails the Luhn check
    "call 1-800-123-4567", "cancel streammax on QC-1001", "I use 400 minutes a month",
    "123456789012",                # 12 digits: too short for a card
    "how much is the premium tier", "",
])
def test_ordinary_messages_are_left_alone(text):
    assert mask(text) == (text, [])


def test_a_pasted_token_is_masked_and_masking_twice_changes_nothing():
    typed = "here eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRQy0xMDAxIn0.c2lnbmF0dXJl and my pin is 4821, card 4111 1111 1111 1111"
    once, found = mask(typed)
    assert once == f"here {TOKEN_MASK} and my pin is ****, card {CARD_MASK}"
    assert sorted(found) == ["card", "pin", "token"]
    assert mask(once) == (once, [])


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
