"""The chat channel behind the customer live chat and the agent portal widget.

POST /webhooks/quickconnect/webhook  {"sender", "message", "display"?, "account"?}
     Authorization: Bearer <token from the services' POST /auth/token>   (optional)
GET  /webhooks/quickconnect/history?sender=...   (same header) — the conversation so far, for a reload

Identity comes only from the token, verified here (signature, expiry, role): a forged or expired
token is refused with a clear message before anything reaches the assistant, and whatever the
message text or client metadata claims is ignored. The verified token is passed on in the
message metadata for the actions, which call the services on the user's behalf with it; the
tracker store (bot/tracker_store.py) leaves it out of everything it stores, so it lives only as long
as the message is being handled. Who is signed in is kept as `signed_in` (role and subject), which
is what decides who owns a conversation's history.
PINs, passwords and card numbers that people type are masked here (bot/typed_secrets.py), before
Rasa parses, stores or logs the message, and the reply starts with a word on why.
Also here: a maximum message size and a per-conversation and per-address rate limit.
"""
import logging
import re
import time
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable, Deque, Dict, List, Optional, Text

import jwt
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import log_masking, typed_secrets
from bot.secrets import DEV_JWT_SECRET, jwt_secret as configured_secret

logger = logging.getLogger(__name__)
log_masking.install()   # this server sees every token and account number: none of them reach the logs

SENDER = re.compile(r"^[A-Za-z0-9_-]{16,64}$")       # the widget's random conversation id
ACCOUNT = re.compile(r"^QC-\d{4,10}$")


SOMETHING_WENT_WRONG = ("Sorry, something went wrong on my side and I couldn't finish that. Nothing was "
                        "changed unless I confirmed it above. Please try again in a moment, or call "
                        "1-800-123-4567 to reach a person.")
NEVER_NEEDED = ("I've hidden what looked like a PIN, password or card number in your message. I never need them, "
                "and nobody from QuickConnect will ask you for them in the chat: please don't share them here.")


def error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": {"code": code, "message": message}}, status=status)


class RateLimiter:
    """At most `limit` events per key in any `window` seconds (a sliding window, in memory:
    each Rasa instance limits what reaches it)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self.seen: Dict[str, Deque[float]] = defaultdict(deque)

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self.seen[key]
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        if len(self.seen) > 100_000:  # forget idle keys so memory stays bounded
            for stale in [k for k, v in self.seen.items() if not v or now - v[-1] >= self.window]:
                del self.seen[stale]
        return True


class Identity:
    def __init__(self, token: str, claims: Dict[str, Any]):
        self.token, self.role, self.subject = token, claims["role"], str(claims["sub"])


class TokenRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def verify_token(token: str, secret: str, verify_expiry: bool = True) -> Identity:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={
            "require": ["sub", "role", "exp", "iat"], "verify_exp": verify_expiry})
    except jwt.ExpiredSignatureError:
        raise TokenRefused("token_expired", "Your sign-in has expired. Please log in again; "
                                            "until then I can only answer general questions.") from None
    except jwt.PyJWTError:
        raise TokenRefused("token_invalid", "That sign-in could not be verified, so I can't use it. "
                                            "Please log in again.") from None
    if claims["role"] not in ("customer", "agent"):
        raise TokenRefused("token_invalid", "That sign-in could not be verified, so I can't use it. "
                                            "Please log in again.")
    return Identity(token, claims)


def bearer_token(request: Request) -> Optional[str]:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() or None if header.lower().startswith("bearer ") else None


def history_from_events(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """What the widget shows again after a reload: the user's and the assistant's messages."""
    shown = []
    for event in events:
        if event.get("event") == "user" and event.get("text"):
            text = (event.get("metadata") or {}).get("display_text") or event["text"]
            shown.append({"sender": "user", "text": text})
        elif event.get("event") == "bot":
            data = event.get("data") or {}
            if event.get("text") or data.get("custom"):
                shown.append({"sender": "bot", "text": event.get("text"), "buttons": data.get("buttons") or [],
                              "custom": data.get("custom")})
    return shown


def conversation_owner(events: List[Dict[str, Any]], secret: str) -> Optional[str]:
    """Who last spoke in this conversation while signed in (role:subject), if anyone. The channel
    records that as `signed_in` in each message's metadata; only metadata the channel wrote is
    ever stored, so it needs no token. A token is still read from conversations stored before
    tokens were left out, until bot/scrub_tracker_store.py has run over them."""
    for event in reversed(events):
        metadata = (event.get("metadata") or {}) if event.get("event") == "user" else {}
        signed_in, token = metadata.get("signed_in"), metadata.get("token")
        if isinstance(signed_in, dict) and signed_in.get("role") and signed_in.get("subject"):
            return f"{signed_in['role']}:{signed_in['subject']}"
        if token:
            try:
                who = verify_token(token, secret, verify_expiry=False)
                return f"{who.role}:{who.subject}"
            except TokenRefused:
                continue
    return None


async def start_session_for_another_customer(agent: Any, sender: str, metadata: Dict[str, Any]) -> None:
    """An agent who opens another customer in the portal starts a new Rasa session before the
    message is handled: a conversation is about one customer (the dashboard counts one agent
    conversation per customer, a half-done form for the previous customer ends), and a turn no
    longer carries every earlier customer's events (an agent keeps the widget open all shift; the
    tracker store and the action server calls read only the current session)."""
    account = metadata.get("working_account")
    if not account:
        return
    tracker = await agent.tracker_store.retrieve(sender)
    last = next((e for e in reversed(tracker.events) if isinstance(e, UserUttered)), None) if tracker else None
    before = (last.metadata or {}).get("working_account") if last else None
    if before and before != account:
        async with agent.lock_store.lock(sender):
            await agent.execute_action(sender, ACTION_SESSION_START_NAME, CollectingOutputChannel(), None, 1.0)


class QuickConnectInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "quickconnect"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "QuickConnectInput":
        credentials = credentials or {}
        return cls(jwt_secret=configured_secret(),
                   max_message_chars=int(credentials.get("max_message_chars", 2000)),
                   per_conversation_per_minute=int(credentials.get("per_conversation_per_minute", 30)),
                   per_address_per_minute=int(credentials.get("per_address_per_minute", 120)))

    def __init__(self, jwt_secret: str = DEV_JWT_SECRET, max_message_chars: int = 2000,
                 per_conversation_per_minute: int = 30, per_address_per_minute: int = 120):
        self.jwt_secret = jwt_secret
        self.max_message_chars = max_message_chars
        self.per_conversation = RateLimiter(per_conversation_per_minute, 60)
        self.per_address = RateLimiter(per_address_per_minute, 60)

    def identity(self, request: Request) -> Optional[Identity]:
        token = bearer_token(request)
        return verify_token(token, self.jwt_secret) if token else None

    def metadata(self, who: Optional[Identity], body: Dict[str, Any]) -> Dict[str, Any]:
        """Only what this channel vouches for; nothing the client sent as metadata."""
        metadata: Dict[str, Any] = {}
        if who:
            metadata["token"] = who.token          # for the actions, this message only: never stored
            metadata["signed_in"] = {"role": who.role, "subject": who.subject}
            account = body.get("account")
            if who.role == "agent" and isinstance(account, str) and ACCOUNT.match(account):
                metadata["working_account"] = account   # the customer the agent has open in the portal
        display = body.get("display")
        if isinstance(display, str) and 0 < len(display) <= 200:
            # a button's title, shown instead of its payload (the client sends it: masked like the text)
            metadata["display_text"] = typed_secrets.mask(display)[0]
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("quickconnect_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > self.max_message_chars * 4 + 2000:
                return error(413, "message_too_long", f"Messages can be at most {self.max_message_chars} characters.")
            try:
                body = request.json
            except Exception:  # sanic raises its own error type on a body that is not JSON
                body = None
            if not isinstance(body, dict):
                return error(400, "invalid_request", 'Send JSON: {"sender": "<conversation id>", "message": "<text>"}.')
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not SENDER.match(sender):
                return error(400, "invalid_sender", "The conversation id must be 16-64 letters, digits, '-' or '_'.")
            if not isinstance(text, str) or not text.strip():
                return error(400, "empty_message", "Type a message first.")
            if len(text) > self.max_message_chars:
                return error(413, "message_too_long", f"Messages can be at most {self.max_message_chars} characters.")
            if not self.per_conversation.allow(sender) or not self.per_address.allow(request.remote_addr or request.ip):
                return error(429, "rate_limited", "You're sending messages faster than I can answer. "
                                                  "Please wait a moment and try again.")
            try:
                who = self.identity(request)
            except TokenRefused as refused:
                return error(401, refused.code, refused.message)
            # Control characters other than newlines and tabs carry no meaning in a chat message.
            clean = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()
            clean, secrets_found = typed_secrets.mask(clean)
            collector = CollectingOutputChannel()
            metadata = self.metadata(who, body)
            try:
                await start_session_for_another_customer(request.app.ctx.agent, sender, metadata)
                await on_new_message(UserMessage(clean or "?", collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:  # logged here; the user still gets an answer, never a bare 500
                logger.exception("handling a message of conversation %s failed", sender[:8])
            # Rasa swallows a failed custom action (the action server down, say) and answers nothing.
            replies = collector.messages or [{"recipient_id": sender, "text": SOMETHING_WENT_WRONG}]
            if secrets_found:   # said here, not in the dialogue: whatever the message was about, this comes first
                replies = [{"recipient_id": sender, "text": NEVER_NEEDED}, *replies]
            return response.json(replies)

        @webhook.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            sender = request.args.get("sender", "")
            if not SENDER.match(sender):
                return error(400, "invalid_sender", "The conversation id must be 16-64 letters, digits, '-' or '_'.")
            try:
                who = self.identity(request)
            except TokenRefused as refused:
                return error(401, refused.code, refused.message)
            tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
            events = [e.as_dict() for e in tracker.events] if tracker else []
            owner = conversation_owner(events, self.jwt_secret)
            if owner and (who is None or owner != f"{who.role}:{who.subject}"):
                return error(403, "forbidden", "This conversation belongs to someone else who was signed in.")
            return response.json({"sender": sender, "messages": history_from_events(events)})

        return webhook
