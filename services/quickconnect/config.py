"""Every environment variable the services read, read once, here."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = Path(__file__).resolve().parent / "seed"
DEV_JWT_SECRET = "quickconnect-dev-secret-change-me"
MIN_SECRET_LENGTH = 32


class ConfigError(ValueError):
    """A setting the services refuse to start with (the CLI prints the message and exits)."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    jwt_secret: str
    token_ttl_seconds: int
    today: date | None          # QC_TODAY pins the services' date (demos, tests)
    host: str
    port: int
    activation_interval_seconds: float
    assistant_url: str = "http://127.0.0.1:5005"   # where the web pages' chat widget finds Rasa
    # A stuck database must give a prompt 503, not a hung request: each wait is bounded, and below
    # the assistant's 6 s read timeout so the caller gets our answer rather than its own timeout.
    db_connect_timeout_seconds: float = 3.0     # PostgreSQL connect (and waiting for a pooled connection)
    db_busy_timeout_seconds: float = 3.0        # SQLite busy timeout / PostgreSQL lock_timeout
    db_statement_timeout_seconds: float = 5.0   # PostgreSQL statement_timeout
    # The assistant's conversations (Rasa's SQL tracker store), read-only, for the support dashboard.
    tracker_db_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'rasa_tracker.db'}"   # endpoints.yml's db
    # How long after a change its undo is offered (docs/services.md "Undo").
    undo_window_hours: float = 24.0

    @property
    def dialect(self) -> str:
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"


def _default_database_url() -> str:
    var = REPO_ROOT / "var"
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'quickconnect.db'}"


def _check_production_secret(secret: str | None) -> None:
    # Whoever knows the secret can sign a token for any account or agent: in production it must
    # come from the environment, be nobody else's, and be long enough not to be guessed.
    problem = ("is not set" if not secret else
               "is the development default" if secret == DEV_JWT_SECRET else
               f"is only {len(secret)} characters" if len(secret) < MIN_SECRET_LENGTH else None)
    if problem:
        raise ConfigError(f"QC_ENV=production but QC_JWT_SECRET {problem}: set it to a random secret of at "
                          f"least {MIN_SECRET_LENGTH} characters, e.g. the output of "
                          "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`.")


def load(env: dict | None = None) -> Settings:
    env = os.environ if env is None else env
    secret = env.get("QC_JWT_SECRET")
    if env.get("QC_ENV") == "production":
        _check_production_secret(secret)
    if not secret:
        # Fine on a laptop; a deployment must set its own secret or anyone can forge tokens.
        log.warning("QC_JWT_SECRET is not set: using the development secret")
        secret = DEV_JWT_SECRET
    today = env.get("QC_TODAY")
    return Settings(
        database_url=env.get("QC_DATABASE_URL") or _default_database_url(),
        jwt_secret=secret,
        token_ttl_seconds=int(env.get("QC_TOKEN_TTL_SECONDS", "3600")),
        today=date.fromisoformat(today) if today else None,
        host=env.get("QC_HOST", "127.0.0.1"),
        port=int(env.get("QC_PORT", "8000")),
        activation_interval_seconds=float(env.get("QC_ACTIVATION_INTERVAL_SECONDS", "60")),
        assistant_url=env.get("QC_ASSISTANT_URL", "http://127.0.0.1:5005").rstrip("/"),
        db_connect_timeout_seconds=float(env.get("QC_DB_CONNECT_TIMEOUT_SECONDS", "3")),
        db_busy_timeout_seconds=float(env.get("QC_DB_BUSY_TIMEOUT_SECONDS", "3")),
        db_statement_timeout_seconds=float(env.get("QC_DB_STATEMENT_TIMEOUT_SECONDS", "5")),
        tracker_db_url=env.get("QC_TRACKER_DB_URL") or Settings.tracker_db_url,
        undo_window_hours=float(env.get("QC_UNDO_WINDOW_HOURS", "24")),
    )
