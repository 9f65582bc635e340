"""Low confidence and out-of-scope: never guess, offer what the assistant can do."""
import json
from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from actions.offload import in_thread

# How a likely intent is offered back to the user as a button.
INTENT_TITLES = {
    "add_service": "Add a service", "modify_service": "Change a service's tier", "cancel_service": "Cancel a service",
    "list_services": "See my services", "show_plan": "See my plan and bill", "change_plan": "Change my calling plan",
    "recommend_plan": "Find the best plan for me", "check_rates": "International rates", "check_coverage": "Plan coverage",
    "show_usage": "See my usage", "schedule_follow_up": "Schedule a follow-up", "human_handoff": "Talk to a person",
    "faq": "A question about services or billing", "greet": "Say hello", "thank": "Say thanks", "goodbye": "End the chat",
    "bot_challenge": "Am I talking to a bot?",
}
CAPABILITIES = ("I can help with QuickConnect add-on services (add, change tier, cancel), international calling plans "
                "(your plan, usage, rates, coverage, the best plan for you, switching plans), billing questions, "
                "follow-ups, and handing you to a person.")


@in_thread
class ActionDefaultAskAffirmation(Action):
    """First stage of the two-stage fallback: offer the likeliest intents as buttons."""

    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        ranking = [r for r in tracker.latest_message.get("intent_ranking", [])
                   if r.get("name") in INTENT_TITLES][:3]
        entities = {e["entity"]: e["value"] for e in tracker.latest_message.get("entities", [])}
        entity_json = json.dumps(entities) if entities else ""
        # A button only starts what the user picks; a change still needs its own confirmation.
        buttons = [{"title": INTENT_TITLES[r["name"]], "payload": f"/{r['name']}{entity_json}"}
                   for r in ranking if r["name"] != "faq"]  # "faq" alone says too little to offer
        buttons.append({"title": "Something else", "payload": "/out_of_scope"})
        dispatcher.utter_message(text="Sorry, I'm not sure I understood. Did you mean one of these?", buttons=buttons)
        return []


@in_thread
class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict) -> List[EventType]:
        dispatcher.utter_message(text="Sorry, that's not something I can help with. " + CAPABILITIES)
        return []
