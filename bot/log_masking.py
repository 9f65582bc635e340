"""Keep secrets and personal identifiers out of every log line of the Rasa server and the action
server: identity tokens, PINs and passwords, and full account numbers (QC-1001 -> QC-**01).

install() wraps the logging record factory, so every record is masked when it is created,
whichever logger, handler or library (Sanic, Rasa, rasa-sdk) it comes from, at any log level.
"""
import logging
import re

MASKS = [  # in this order: a named secret first, then any token-shaped string left
    (re.compile(r"(?i)([\"']?(?:pin|password|access_token|token)[\"']?\s*[:=]\s*[\"']?)[^\"',\s}]+"), r"\1****"),
    (re.compile(r"(?i)\b(Bearer\s+)[A-Za-z0-9._-]+"), r"\1****"),
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "eyJ...[token masked]"),
    (re.compile(r"\bQC-\d*(\d{2})\b"), r"QC-**\1"),
]


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def install() -> None:
    current = logging.getLogRecordFactory()
    if getattr(current, "masks_secrets", False):
        return

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = current(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is logging's problem to report, not ours
            return record
        record.msg, record.args = mask(message), None
        # A traceback is formatted after the record exists: mask it now, formatters reuse exc_text.
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return record

    masked_record.masks_secrets = True
    logging.setLogRecordFactory(masked_record)
