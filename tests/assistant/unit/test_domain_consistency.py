"""`rasa data validate` only warns about responses it cannot see used (those sent by custom
actions, form questions, built-in fallbacks); this test makes each of those warnings an error
unless the response really is used somewhere."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
BUILT_IN_USERS = {"utter_default", "utter_ask_rephrase"}  # action_default_fallback, two-stage fallback


def test_every_response_is_used_by_a_rule_story_form_or_action():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    dialogue = "".join(p.read_text() for p in (ROOT / "data").glob("*.yml"))
    code = "".join(p.read_text() for p in (ROOT / "actions").rglob("*.py"))
    form_slots = {slot for form in domain["forms"].values() for slot in form["required_slots"]}
    unused = []
    for name in domain["responses"]:
        if name in BUILT_IN_USERS or name.startswith("utter_faq/"):
            continue  # faq/* are chosen by the ResponseSelector and sent by action_answer_faq
        asked_slot = name[len("utter_ask_"):] if name.startswith("utter_ask_") else None
        if asked_slot in form_slots or re.search(rf"\b{re.escape(name)}\b", dialogue + code):
            continue
        unused.append(name)
    assert unused == []


def test_every_custom_action_in_the_domain_is_implemented():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    code = "".join(p.read_text() for p in (ROOT / "actions").rglob("*.py"))
    missing = [a for a in domain["actions"] if f'"{a}"' not in code]
    assert missing == []
