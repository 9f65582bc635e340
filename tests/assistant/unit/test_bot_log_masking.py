"""No token, PIN, password or full account number survives into a log line."""
import logging

from bot.log_masking import install, mask

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJRQy0xMDAxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def test_tokens_pins_and_account_numbers_are_masked():
    line = mask(f'metadata={{"token": "{TOKEN}"}} body {{"account_number": "QC-1001", "pin": "1234"}} '
                f"Authorization: Bearer {TOKEN} password=ana-demo-pass acting on QC-1003")
    assert TOKEN not in line and "1234" not in line and "ana-demo-pass" not in line
    assert "QC-1001" not in line and "QC-1003" not in line and "QC-**01" in line and "QC-**03" in line


def test_every_logger_masks_once_installed(caplog):
    install()
    install()   # idempotent
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("sanic.access").info("POST /webhook %s for %s", TOKEN, "QC-1002")
        logging.getLogger("rasa.core.processor").debug("Received user message with metadata %s", {"token": TOKEN})
    assert TOKEN not in caplog.text and "QC-1002" not in caplog.text
    assert "eyJ...[token masked]" in caplog.text and "'token': '****'" in caplog.text and "QC-**02" in caplog.text


def test_tracebacks_are_masked_too(caplog):
    install()
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError(f"bad tracker for QC-1003 with metadata {{'token': '{TOKEN}'}}")
        except ValueError:
            logging.getLogger("rasa.core.actions.action").exception("custom action failed")
    assert TOKEN not in caplog.text and "QC-1003" not in caplog.text and "QC-**03" in caplog.text
