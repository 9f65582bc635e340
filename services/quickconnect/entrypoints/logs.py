"""How the services log: every handler masks tokens, PINs/passwords and account numbers.

Logs are read by more people and kept longer than the database; a token in a log is a working
key for an hour, and request paths name accounts (uvicorn's access log: /customers/QC-1001/...).
"""
from __future__ import annotations

import logging
import re

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"(?i)(\bbearer\s+)(?!eyJ…|\[masked\])[^\s\"',;]+")
_SECRET_FIELD = re.compile(r"(?i)([\"']?\b(?:pin|password|secret|access_token|token)[\"']?\s*[:=]\s*[\"']?)"
                           r"(?!eyJ…|\[masked\])[^\s\"'&,;}]+")
_ACCOUNT = re.compile(r"(?i)\b(QC-)(\d*)(\d{2})\b")


def mask(text: str, secrets: tuple[str, ...] = ()) -> str:
    """QC-1001 -> QC-**01, a JWT -> eyJ…[masked], pin=1234 -> pin=[masked]. Masking twice changes nothing."""
    for secret in secrets:
        text = text.replace(secret, "[masked]")
    text = _JWT.sub("eyJ…[masked]", text)
    text = _BEARER.sub(r"\1[masked]", text)
    text = _SECRET_FIELD.sub(r"\1[masked]", text)
    return _ACCOUNT.sub(lambda m: m[1] + "*" * len(m[2]) + m[3], text)


class MaskSecrets(logging.Filter):
    """On a handler (not a logger), so it also sees records propagated from other loggers."""

    def __init__(self, secrets=()):
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def _arg(self, value):
        if isinstance(value, (int, float, type(None))):
            return value
        text = value if isinstance(value, str) else str(value)
        masked = mask(text, self.secrets)
        return value if masked == text and not isinstance(value, str) else masked

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg, self.secrets)
        if isinstance(record.args, tuple):      # uvicorn's access log keeps the path in args
            record.args = tuple(self._arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: self._arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:   # tracebacks quote SQL parameters
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text, self.secrets)
        return True


def config(secrets=()) -> dict:
    """logging.config.dictConfig for the CLI and uvicorn (serve passes it as log_config)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": MaskSecrets, "secrets": list(secrets)}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "access": {"()": "uvicorn.logging.AccessFormatter", "use_colors": False,
                       "fmt": '%(asctime)s %(levelname)s access: %(client_addr)s "%(request_line)s" %(status_code)s'},
        },
        "handlers": {
            "default": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                        "formatter": "plain", "filters": ["mask"]},
            "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                       "formatter": "access", "filters": ["mask"]},
        },
        "root": {"level": "INFO", "handlers": ["default"]},
        "loggers": {
            "uvicorn": {"level": "INFO", "handlers": ["default"], "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }
