"""Mask secrets people type into the chat before anything stores them: a PIN, password or
passcode after a cue ("my pin is 4821", "password: hunter2", "4821 is my pin"), a payment card
number (13-19 digits passing the Luhn check, spaces or dashes allowed) and an identity token
pasted as text.

The channel runs mask() on every message before it reaches Rasa, so the tracker store, the
support dashboard (and its CSV), the handoff summary and the logs only ever see the masked text.
The migration (bot/scrub_tracker_store.py) runs it on conversations stored before.
"""
import re
from typing import List, Tuple

MASK = "****"
CARD_MASK = "[card number removed]"
TOKEN_MASK = "[token removed]"

_CUE = r"(?:pin(?:\s*(?:code|number))?|pass\s?word|passwd|pass\s?code|pwd|security\s+code|cvv|cvc)"
# Words that follow "my password is ..." without being the password ("is wrong", "is not working").
_NOT_A_SECRET = {"not", "no", "wrong", "incorrect", "invalid", "expired", "locked", "blocked", "lost", "forgotten",
                 "missing", "correct", "right", "working", "the", "a", "an", "my", "your", "too", "still", "required",
                 "needed", "reset", "changed", "same", "different", "what", "this", "that", "it", "gone", "broken",
                 "stolen", "ok", "okay", "fine", "safe", "secure", "for", "in", "on", "and", "or", "so", "very",
                 "being", "now", "just", "asked", "which", "where"}

# "pin is 4821", "password: hunter2", "passcode = x1": a separator, then the secret (any word).
_AFTER_SEPARATOR = re.compile(rf"(?i)\b({_CUE})(\s*(?:[:=#]|\b(?:is|was|'s)\b)\s*)([^\s,;!?]+)")
# "pin 4821", "password hunter2": no separator, so only a word holding a digit counts as the secret.
_DIRECTLY_AFTER = re.compile(rf"(?i)\b({_CUE})(\s+)((?=[^\s,;!?]*\d)[^\s,;!?]+)")
# "4821 is my pin"
_BEFORE_CUE = re.compile(rf"(?i)([^\s,;!?]+)(\s+(?:is|was)\s+(?:my|the)\s+{_CUE})\b")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_TOKEN = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_secret(word: str) -> bool:
    word = word.strip(".'\"")
    return bool(word) and not word.startswith(("[", MASK)) and word.lower() not in _NOT_A_SECRET


def mask(text: str) -> Tuple[str, List[str]]:
    """The text with typed secrets masked, and what kinds were found ("card", "pin", "token")."""
    found: List[str] = []

    def card(m: re.Match) -> str:
        digits = re.sub(r"[ -]", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            found.append("card")
            return CARD_MASK
        return m.group(0)

    def token(_m: re.Match) -> str:
        found.append("token")
        return TOKEN_MASK

    def after(m: re.Match) -> str:
        secret = m.group(3)
        if not _is_secret(secret):
            return m.group(0)
        found.append("pin")
        # keep a sentence's closing full stop: "my pin is 4821." -> "my pin is ****."
        return m.group(1) + m.group(2) + MASK + ("." if secret.endswith(".") and len(secret) > 1 else "")

    def before(m: re.Match) -> str:
        if not _is_secret(m.group(1)):
            return m.group(0)
        found.append("pin")
        return MASK + m.group(2)

    text = _TOKEN.sub(token, text)
    text = _CARD.sub(card, text)
    text = _AFTER_SEPARATOR.sub(after, text)
    text = _DIRECTLY_AFTER.sub(after, text)
    text = _BEFORE_CUE.sub(before, text)
    return text, found
