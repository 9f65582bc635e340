"""HTTP entrypoint (docs/API.md): parse, call one handler, map domain errors to JSON errors."""

import logging
from datetime import timezone
from typing import Annotated, Optional

from fastapi import Body, Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..bootstrap import Services, bootstrap
from ..domain import errors
from ..service_layer import handlers
from ..service_layer.handlers import Actor
from . import schemas
from .auth import CHANNELS, caller_from_token, issue_token
from .dashboard import mount_dashboard
from .idempotency import MissingIdempotencyKey, run_write
from .limits import BodySizeLimit
from .web import mount_web

log = logging.getLogger(__name__)

STATUS = [(MissingIdempotencyKey, 400), (errors.Unauthorized, 401), (errors.Forbidden, 403),
          (errors.NotFound, 404), (errors.Conflict, 409), (errors.InvalidRequest, 422),
          (errors.Unavailable, 503)]

Acct = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,20}$", description="Account number, e.g. QC-1001")]
ServiceName = Annotated[str, Path(min_length=1, max_length=100, description="Service code or name")]
HandoffId = Annotated[int, Path(ge=1, le=2**31)]
ConversationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,100}$")]
ANONYMOUS = Actor("anonymous", "anonymous", "chat")
IdemKey = Annotated[Optional[str], Header(alias="Idempotency-Key", max_length=200, description="Required for writes")]
Channel = Annotated[Optional[str], Header(alias="X-Channel", max_length=20)]


def _error(status: int, code: str, message: str, suggestions=None) -> JSONResponse:
    body = {"code": code, "message": message}
    if suggestions:
        body["suggestions"] = suggestions
    return JSONResponse({"error": body}, status_code=status)


def _validation_message(err: RequestValidationError) -> str:
    parts = []
    for e in err.errors()[:3]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "The request is not valid: " + "; ".join(parts) + "."


def create_app(services: Services | None = None) -> FastAPI:
    services = services or bootstrap()
    app = FastAPI(title="QuickConnect services", version="0.1.0",
                  description="Subscriptions, calling plans, billing, follow-ups and audit. See docs/API.md.")
    app.state.services = services
    app.add_middleware(BodySizeLimit)   # 413 for a body over 64 kB, before anything parses it
    bearer = HTTPBearer(auto_error=False)
    uow, clock, settings = services.uow, services.clock, services.settings

    @app.exception_handler(errors.DomainError)
    async def domain_error(_request, exc: errors.DomainError):
        status = next((s for cls, s in STATUS if isinstance(exc, cls)), 422)
        response = _error(status, exc.code, exc.message, exc.suggestions)
        if status == 503:
            response.headers["Retry-After"] = "2"   # the database fault is usually brief
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request, exc: RequestValidationError):
        return _error(422, "invalid_request", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, exc: StarletteHTTPException):
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "invalid_request")
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_request, exc: Exception):
        log.exception("unexpected error")
        return _error(500, "internal_error", "Something went wrong on our side; nothing was changed.")

    def caller(creds: Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)],
               x_channel: Channel = None) -> Actor:
        channel = x_channel or "api"
        if channel not in CHANNELS:
            raise errors.InvalidRequest(f"X-Channel must be one of: {', '.join(CHANNELS)}.")
        actor = caller_from_token(settings.jwt_secret, creds.credentials if creds else None, channel)
        handlers.still_signed_in(uow(), actor)
        return actor

    Caller = Annotated[Actor, Depends(caller)]

    def optional_caller(creds: Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)],
                        x_channel: Channel = None) -> Optional[Actor]:
        # Anonymous callers may ask for general advice; a token that is sent must still be valid.
        return caller(creds, x_channel) if creds else None

    def write(request: Request, actor: Actor, key, body: dict, status: int, fn):
        # Every change goes through here: supervisors oversee (read, dashboard) but change nothing.
        if actor.role == "supervisor":
            raise errors.Forbidden("Supervisors can look but not change anything; an agent makes changes.")
        return run_write(uow, clock, f"{actor.role}:{actor.subject}", key, request.method, request.url.path,
                         body, status, fn)

    # -- health and auth ----------------------------------------------------------------------
    @app.get("/health", tags=["meta"])
    def health():
        handlers.check_database(uow())   # 503 while the database cannot be reached
        return {"status": "ok", "database": settings.dialect}

    @app.post("/auth/token", tags=["auth"])
    def token(body: schemas.TokenRequest):
        subject, role, name = handlers.authenticate(uow(), body.account_number, body.pin, body.agent_id,
                                                    body.password)
        return {"access_token": issue_token(settings.jwt_secret, settings.token_ttl_seconds, subject, role, name),
                "token_type": "bearer", "expires_in": settings.token_ttl_seconds, "role": role,
                "subject": subject, "name": name}

    # -- catalog ------------------------------------------------------------------------------
    @app.get("/catalog/services", tags=["catalog"])
    def services_list():
        return handlers.list_services(uow())

    @app.get("/catalog/services/{service}", tags=["catalog"])
    def service_get(service: ServiceName):
        return handlers.get_service(uow(), service)

    @app.get("/catalog/plans", tags=["catalog"])
    def plans_list():
        return handlers.list_plans(uow())

    @app.get("/catalog/plans/{plan}/coverage", tags=["catalog"])
    def plan_coverage(plan: Annotated[str, Path(min_length=1, max_length=100)]):
        return handlers.plan_coverage(uow(), plan)

    @app.get("/catalog/rates", tags=["catalog"])
    def rates(country: Annotated[str, Query(min_length=1, max_length=100)]):
        return handlers.rates_for_country(uow(), country)

    @app.get("/catalog/countries/resolve", tags=["catalog"])
    def country_resolve(q: Annotated[str, Query(min_length=1, max_length=100)]):
        return handlers.resolve_country(uow(), q)

    # -- customers and subscriptions ------------------------------------------------------------
    @app.get("/customers/{acct}", tags=["customers"])
    def customer_get(acct: Acct, actor: Caller):
        return handlers.get_customer(uow(), clock, actor, acct)

    @app.get("/customers/{acct}/subscriptions", tags=["subscriptions"])
    def subscriptions_list(acct: Acct, actor: Caller):
        return handlers.list_subscriptions(uow(), actor, acct)

    @app.post("/customers/{acct}/subscriptions/quote", tags=["subscriptions"])
    def subscription_quote(acct: Acct, body: schemas.SubscriptionQuoteRequest, actor: Caller):
        return handlers.quote_subscription(uow(), clock, actor, acct, body.action, body.service, body.tier)

    @app.post("/customers/{acct}/subscriptions", tags=["subscriptions"], status_code=201)
    def subscription_add(request: Request, acct: Acct, body: schemas.AddServiceRequest, actor: Caller,
                         idempotency_key: IdemKey = None):
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 201,
                     lambda u: handlers.add_service(u, clock, actor, acct, body.service, body.tier))

    @app.post("/customers/{acct}/subscriptions/{service}/modify", tags=["subscriptions"])
    def subscription_modify(request: Request, acct: Acct, service: ServiceName,
                            body: schemas.ModifyServiceRequest, actor: Caller, idempotency_key: IdemKey = None):
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 200,
                     lambda u: handlers.modify_service(u, clock, actor, acct, service, body.tier,
                                                       body.expected_version))

    @app.post("/customers/{acct}/subscriptions/{service}/cancel", tags=["subscriptions"])
    def subscription_cancel(request: Request, acct: Acct, service: ServiceName, actor: Caller,
                            idempotency_key: IdemKey = None,
                            body: Annotated[Optional[schemas.CancelServiceRequest], Body()] = None):
        body = body or schemas.CancelServiceRequest()
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 200,
                     lambda u: handlers.cancel_service(u, clock, actor, acct, service, body.expected_version))

    # -- undo of the last change -----------------------------------------------------------------
    window = settings.undo_window_hours

    @app.get("/customers/{acct}/changes/last", tags=["undo"])
    def change_last(acct: Acct, actor: Caller):
        return handlers.last_change(uow(), clock, actor, acct, window)

    @app.post("/customers/{acct}/changes/last/undo/quote", tags=["undo"])
    def undo_quote(acct: Acct, actor: Caller, body: Annotated[Optional[schemas.UndoRequest], Body()] = None):
        body = body or schemas.UndoRequest()
        return handlers.quote_undo(uow(), clock, actor, acct, body.audit_id, window)

    @app.post("/customers/{acct}/changes/last/undo", tags=["undo"])
    def undo_change(request: Request, acct: Acct, actor: Caller, idempotency_key: IdemKey = None,
                    body: Annotated[Optional[schemas.UndoRequest], Body()] = None):
        body = body or schemas.UndoRequest()
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 200,
                     lambda u: handlers.undo_last_change(u, clock, actor, acct, body.audit_id, window))

    # -- plans, usage, billing ------------------------------------------------------------------
    @app.get("/customers/{acct}/plan", tags=["plans"])
    def plan_current(acct: Acct, actor: Caller):
        return handlers.current_plan(uow(), clock, actor, acct)

    @app.get("/customers/{acct}/usage", tags=["plans"])
    def usage(acct: Acct, actor: Caller, cycles: Annotated[int, Query(ge=1, le=24)] = 1):
        return handlers.usage(uow(), clock, actor, acct, cycles)

    @app.get("/customers/{acct}/billing", tags=["billing"])
    def billing(acct: Acct, actor: Caller):
        return handlers.billing(uow(), actor, acct)

    @app.post("/customers/{acct}/plan/quote", tags=["plans"])
    def plan_quote(acct: Acct, body: schemas.PlanChangeRequest, actor: Caller):
        return handlers.quote_plan_change(uow(), clock, actor, acct, body.plan, body.when)

    @app.post("/customers/{acct}/plan/change", tags=["plans"])
    def plan_change(request: Request, acct: Acct, body: schemas.PlanChangeRequest, actor: Caller,
                    idempotency_key: IdemKey = None):
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 200,
                     lambda u: handlers.change_plan(u, clock, actor, acct, body.plan, body.when))

    @app.get("/customers/{acct}/plan/recommendations", tags=["plans"])
    def recommendations(acct: Acct, actor: Caller,
                        countries: Annotated[str, Query(min_length=1, max_length=500, description="Comma-separated")],
                        minutes: Annotated[int, Query(ge=0, le=100_000)]):
        names = [c.strip() for c in countries.split(",") if c.strip()]
        if not names or len(names) > 20:
            raise errors.InvalidRequest("Give between 1 and 20 countries, separated by commas.")
        return handlers.recommend_plans(uow(), clock, actor, acct, names, minutes)

    @app.post("/recommendations", tags=["plans"])
    def recommendations_post(body: schemas.RecommendRequest,
                             actor: Annotated[Optional[Actor], Depends(optional_caller)]):
        if actor is None and body.account_number is not None:
            raise errors.Unauthorized("Sign in to compare plans against an account's current plan.")
        return handlers.recommend_plans(uow(), clock, actor, body.account_number, body.countries,
                                        body.monthly_minutes)

    # -- follow-ups, notifications, handoffs, audit ----------------------------------------------
    @app.post("/customers/{acct}/follow-ups", tags=["follow-ups"], status_code=201)
    def follow_up_create(request: Request, acct: Acct, body: schemas.FollowUpRequest, actor: Caller,
                         idempotency_key: IdemKey = None):
        due_at = body.due_at
        try:
            if due_at.tzinfo is not None:
                due_at = due_at.astimezone(timezone.utc).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise errors.InvalidRequest("due_at is not a usable date and time.") from None
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 201,
                     lambda u: handlers.schedule_follow_up(u, clock, actor, acct, due_at, body.channel, body.note))

    @app.get("/customers/{acct}/follow-ups", tags=["follow-ups"])
    def follow_ups(acct: Acct, actor: Caller):
        return handlers.list_follow_ups(uow(), actor, acct)

    @app.get("/customers/{acct}/notifications", tags=["notifications"])
    def notifications(acct: Acct, actor: Caller):
        return handlers.list_notifications(uow(), actor, acct)

    @app.post("/handoffs", tags=["handoffs"], status_code=201)
    def handoff_create(request: Request, body: schemas.HandoffRequest,
                       signed_in: Annotated[Optional[Actor], Depends(optional_caller)],
                       x_channel: Channel = None,
                       idempotency_key: IdemKey = None):
        # A visitor who has not logged in may still ask for a person; they name no account.
        if signed_in is None and body.account_number is not None:
            raise errors.Unauthorized("Sign in to hand off a conversation about an account.")
        actor = signed_in or Actor("anonymous", "anonymous", x_channel if x_channel in CHANNELS else "api")
        return write(request, actor, idempotency_key, body.model_dump(mode="json"), 201,
                     lambda u: handlers.create_handoff(u, clock, actor, body.conversation_id, body.account_number,
                                                       body.reason, body.summary))

    @app.get("/handoffs", tags=["handoffs"])
    def handoffs(actor: Caller, status: Annotated[Optional[str], Query(pattern=r"^[a-z_]{1,20}$")] = None):
        return handlers.list_handoffs(uow(), actor, status)

    @app.get("/handoffs/{handoff_id}", tags=["handoffs"])
    def handoff_get(handoff_id: HandoffId, actor: Caller):
        return handlers.get_handoff(uow(), actor, handoff_id)

    @app.post("/handoffs/{handoff_id}/take", tags=["handoffs"])
    def handoff_take(request: Request, handoff_id: HandoffId, actor: Caller, idempotency_key: IdemKey = None):
        return write(request, actor, idempotency_key, {}, 200,
                     lambda u: handlers.take_handoff(u, clock, actor, handoff_id))

    @app.post("/handoffs/{handoff_id}/close", tags=["handoffs"])
    def handoff_close(request: Request, handoff_id: HandoffId, actor: Caller, idempotency_key: IdemKey = None):
        return write(request, actor, idempotency_key, {}, 200,
                     lambda u: handlers.close_handoff(u, clock, actor, handoff_id))

    @app.post("/handoffs/{handoff_id}/messages", tags=["handoffs"], status_code=201)
    def handoff_message(request: Request, handoff_id: HandoffId, body: schemas.HandoffMessageRequest,
                        actor: Caller, idempotency_key: IdemKey = None):
        return write(request, actor, idempotency_key, body.model_dump(), 201,
                     lambda u: handlers.post_handoff_message(u, clock, actor, body.text, handoff_id=handoff_id))

    # The customer's side of a handoff, found by the conversation id only its browser knows.
    @app.get("/conversations/{conversation_id}/handoff", tags=["handoffs"])
    def conversation_handoff(conversation_id: ConversationId,
                             signed_in: Annotated[Optional[Actor], Depends(optional_caller)]):
        return handlers.conversation_handoff(uow(), signed_in or ANONYMOUS, conversation_id)

    @app.post("/conversations/{conversation_id}/handoff/messages", tags=["handoffs"], status_code=201)
    def conversation_handoff_message(request: Request, conversation_id: ConversationId,
                                     body: schemas.HandoffMessageRequest,
                                     signed_in: Annotated[Optional[Actor], Depends(optional_caller)],
                                     idempotency_key: IdemKey = None):
        actor = signed_in or ANONYMOUS
        return write(request, actor, idempotency_key, body.model_dump(), 201,
                     lambda u: handlers.post_handoff_message(u, clock, actor, body.text,
                                                             conversation_id=conversation_id))

    @app.get("/audit", tags=["audit"])
    def audit(actor: Caller, account: Annotated[Optional[str], Query(pattern=r"^[A-Za-z0-9_-]{1,20}$")] = None):
        return handlers.list_audit(uow(), actor, account)

    mount_dashboard(app, services, caller)
    mount_web(app, settings.assistant_url)

    return app
