"""A stack of its own for the fault tests (they stop and start its processes): the real services,
action server and Rasa server, with a fault-injecting proxy between the action server and the
services. Short client timeouts keep the slow cases quick."""
import tempfile
from pathlib import Path

import pytest

from tests.assistant.integration.conftest import MODEL, Stack
from tests.reliability.fault_proxy import FaultProxy


@pytest.fixture(scope="session")
def stack():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run scripts/train.sh (scripts/test.sh does)")
    with tempfile.TemporaryDirectory(prefix="qc-faults-") as tmp:
        s = Stack(Path(tmp))
        s.proxy = FaultProxy(s.services_url, slow_seconds=3.0)
        s.extra_args = ["--debug"]   # the most talkative logs, to prove that masking holds (test_zz_logs)
        s.env.update({"QC_SERVICES_URL": s.proxy.url, "QC_SERVICES_READ_TIMEOUT": "1.5",
                      "QC_SERVICES_CONNECT_TIMEOUT": "1", "QC_SERVICES_RETRIES": "1"})
        try:
            yield s.up()
        finally:
            s.proxy.close()
            s.down()


@pytest.fixture(autouse=True)
def healthy_proxy(stack):
    stack.proxy.set("pass")
    yield
    stack.proxy.set("pass")


@pytest.fixture(scope="session")
def agent_token(stack) -> str:
    return stack.token(agent_id="agent-ana", password="ana-demo-pass")


def pytest_terminal_summary(terminalreporter):
    import json
    from tests.assistant.integration.conftest import ROOT
    from tests.reliability.tally import TRIED
    if not TRIED:
        return
    terminalreporter.section("reliability: what was tried (and held)")
    for what, times in sorted(TRIED.items()):
        terminalreporter.write_line(f"{times:6d}  {what}")
    out = ROOT / "var" / "test-results" / "reliability-assistant.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(sorted(TRIED.items())), indent=2))
