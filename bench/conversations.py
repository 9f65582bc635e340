"""The scripted conversations the load benchmarks and the scale-out test send, and the driver that
holds many of them at once through Rasa's REST channel (asyncio + aiohttp, which come with Rasa).
No third-party package beyond the bot venv's: the scale-out test imports this too."""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from typing import Dict, List, Optional, Sequence

import aiohttp

# (message, a fragment the reply must contain): one conversation, 10 messages, three changes.
SCRIPT = [
    ("how long does it take for a new service to get activated", "24 hours"),
    ("i want to add hotspot boost", "Which tier of Hotspot Boost"),
    ("30 GB", "Shall I go ahead"),
    ("yes", "Hotspot Boost (30 GB) is added"),
    ("i want to cancel streammax", "Shall I go ahead"),
    ("yes", "StreamMax TV is cancelled"),
    ("i want to switch my international plan to world unlimited", "start now"),
    ("now", "Shall I go ahead"),
    ("yes", "moves to World Unlimited"),
    ("no", "anything else"),
]
CHANGES = ("add_service", "cancel_service", "change_plan")
# The project's channel answers 200 with this when Rasa failed to handle the message (an action
# that could not be run, an exception): a failed message all the same.
FAILED = "Sorry, something went wrong on my side"


def account(i: int) -> str:
    return f"QC-B{i:04d}"


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _ms(seconds: float) -> Optional[int]:
    return None if seconds != seconds else round(seconds * 1000)   # NaN: no successful message


# --- the load -------------------------------------------------------------------------------------
def post_args(url: str, channel: str, sender: str, text: str, token: Optional[str],
              account: Optional[str] = None) -> Dict:
    """The project's chat channel takes the identity token as a Bearer header (bot/channels/) and an
    agent's looked-up account; Rasa's stock REST channel (the baseline) takes the token in the
    message metadata."""
    if channel == "quickconnect":
        body = {"sender": sender, "message": text, **({"account": account} if account else {})}
        return {"url": f"{url}/webhooks/quickconnect/webhook", "json": body,
                "headers": {"Authorization": f"Bearer {token}"} if token else {}}
    return {"url": f"{url}/webhooks/rest/webhook",
            "json": {"sender": sender, "message": text, "metadata": {"token": token} if token else {}}}


async def _conversation(session, urls: List[str], channel: str, sender: str, token: Optional[str], think: float,
                        timeout: float, records: list, expect: bool, start_delay: float) -> None:
    await asyncio.sleep(start_delay)
    for j, (text, fragment) in enumerate(SCRIPT):
        url = urls[j % len(urls)]   # with several URLs, a conversation's messages alternate between them
        t0 = time.monotonic()
        rec = {"sender": sender, "step": j, "url": url, "sent": t0}
        try:
            async with session.post(**post_args(url, channel, sender, text, token),
                                    timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                payload = await resp.json(content_type=None) if resp.status == 200 else None
                rec["status"] = resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            payload, rec["status"] = None, f"{exc.__class__.__name__}"
        rec["latency"] = time.monotonic() - t0
        reply = "\n".join(m.get("text", "") for m in payload) if isinstance(payload, list) else ""
        rec["error"] = rec["status"] != 200 or not reply or FAILED in reply
        rec["unexpected"] = bool(expect and not rec["error"] and fragment not in reply)
        rec["reply"] = reply
        records.append(rec)
        if think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)


async def _load(urls: List[str], channel: str, senders: List[str], tokens: List[Optional[str]], think: float,
                timeout: float, expect: bool, ramp: float) -> Dict:
    records: list = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        t0 = time.monotonic()
        await asyncio.gather(*(_conversation(session, urls, channel, s, tok, think, timeout, records, expect,
                                             ramp * i / max(1, len(senders)))
                               for i, (s, tok) in enumerate(zip(senders, tokens))))
        wall = time.monotonic() - t0
    return {"records": records, "wall": wall}


def run_load(urls: List[str], tokens: List[Optional[str]], think: float = 0.0, timeout: float = 180.0,
             expect: bool = True, ramp: float = 2.0, label: str = "bench", channel: str = "quickconnect") -> Dict:
    """One conversation per token (None: anonymous), all at once; returns the figures."""
    run = uuid.uuid4().hex[:12]
    senders = [f"{label}-{run}-{i:04d}" for i in range(1, len(tokens) + 1)]
    result = asyncio.run(_load(urls, channel, senders, tokens, think, timeout, expect, ramp))
    records, wall = result["records"], result["wall"]
    ok = [r["latency"] for r in records if not r["error"]]
    errors = Counter(str(r["status"]) if r["status"] != 200 else "empty reply" if not r["reply"] else "something went wrong"
                     for r in records if r["error"])
    unexpected = [r for r in records if r["unexpected"]]
    return {"conversations": len(tokens), "messages": len(records), "wall_s": round(wall, 2),
            "msgs_per_s": round(len(records) / wall, 2) if wall else None,
            "p50_ms": _ms(percentile(ok, 50)), "p95_ms": _ms(percentile(ok, 95)),
            "p99_ms": _ms(percentile(ok, 99)), "max_ms": _ms(max(ok)) if ok else None,
            "errors": sum(errors.values()), "error_kinds": dict(errors), "unexpected_replies": len(unexpected),
            "unexpected_examples": [{"sender": r["sender"], "step": r["step"], "reply": r["reply"][:300]}
                                    for r in unexpected[:5]],
            "senders": senders, "records": records}
