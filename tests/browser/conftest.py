"""Browser tests: the real stack (services serving the pages, action server, Rasa with the
QuickConnect channel) driven in headless Chromium (Debian's /usr/bin/chromium) by Playwright.
A screenshot of every page at the end of each test goes to var/test-results/browser/."""
import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.assistant.integration.conftest import MODEL, ROOT, Stack

CHROMIUM = os.environ.get("QC_CHROMIUM", "/usr/bin/chromium")
SHOTS = ROOT / "var" / "test-results" / "browser"
# Headless, and quiet: the machine's closed network refuses Chromium's background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def stack():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/train.sh (scripts/test.sh does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (scripts/test.sh does)")
    with tempfile.TemporaryDirectory(prefix="qc-browser-") as tmp:
        s = Stack(Path(tmp))
        try:
            yield s.up()
        finally:
            s.down()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, request):
    """Pages in separate browser contexts (separate storage: a customer and an agent side by side)."""
    contexts = []

    def make(name: str = "page"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append((name, context))
        page = context.new_page()
        page.set_default_timeout(60_000)   # a reply waits on Rasa, the actions and the services
        return page

    yield make
    SHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
    for name, context in contexts:
        for i, page in enumerate(context.pages):
            page.screenshot(path=str(SHOTS / f"{test}-{name}-{i}.png"), full_page=True)
        context.close()


@pytest.fixture(scope="session")
def agent_token(stack) -> str:
    return stack.token(agent_id="agent-ana", password="ana-demo-pass")
