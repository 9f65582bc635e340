"""What "no secret at rest" looks for, shared by the reliability stage (SQLite) and the scale-out
test (PostgreSQL): any JWT-shaped string, the exact tokens a test used, and the PINs, passwords
and card numbers it typed (a card with or without its spaces or dashes)."""
import re
from typing import Dict, Iterable, List

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
NEVER_NEEDED = "I never need them, and nobody from QuickConnect will ask you for them in the chat"


def patterns(pins: Iterable[str], passwords: Iterable[str], cards: Iterable[str], tokens: Iterable[str]) -> Dict:
    found = {"JWT-shaped string": JWT}
    for pin in pins:   # not inside a longer number or a float's decimals
        found[f"typed PIN {pin}"] = re.compile(rf"(?<![\d.]){pin}(?!\d)")
    for password in passwords:
        found[f"typed password {password}"] = re.compile(re.escape(password))
    for card in cards:
        found[f"card {card}"] = re.compile(rf"{re.escape(card)}|{re.sub(r'[^0-9]', '', card)}")
    for n, token in enumerate(tokens):
        found[f"token #{n} of this test"] = re.compile(re.escape(token))
    return found


def findings(places: Dict[str, List[str]], forbidden: Dict) -> Dict:
    """{(place, what): first values holding it} for every forbidden thing found anywhere."""
    return {(place, what): [v[:200] for v in values if pattern.search(v)][:2]
            for place, values in places.items() for what, pattern in forbidden.items()
            if any(pattern.search(v) for v in values)}
