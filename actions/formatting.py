"""How money, dates and quotes read in a reply. Amounts arrive as exact decimal strings."""
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional


def money(amount: Any) -> str:
    value = Decimal(str(amount or "0"))
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def day(iso: Optional[str]) -> str:
    if not iso:
        return "?"
    try:
        d = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b %Y')}"


def moment(iso: Optional[str]) -> str:
    if not iso:
        return "?"
    try:
        dt = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    return f"{dt.strftime('%a')} {dt.day} {dt.strftime('%b')} at {dt.strftime('%H:%M')} UTC"


def named(ref: Any) -> str:
    """A catalog reference {"code", "name"} (or a plain string) as its display name."""
    if isinstance(ref, dict):
        return str(ref.get("name") or ref.get("code") or "")
    return str(ref or "")


def net_line(net: Any) -> str:
    value = Decimal(str(net or "0"))
    if value > 0:
        return f"Net effect on your next bill: {money(value)} charge."
    if value < 0:
        return f"Net effect on your next bill: {money(-value)} credit."
    return "Net effect on your next bill: nothing."


def cycle_text(cycle: Optional[Dict]) -> str:
    if not cycle:
        return ""
    return f"{day(cycle.get('start'))} to {day(cycle.get('end'))} ({cycle.get('days')} days)"


def service_quote_lines(quote: Dict) -> List[str]:
    """The facts a customer must hear before an add, a tier change or a cancellation."""
    action = quote.get("action")
    service = named(quote.get("service"))
    lines: List[str] = []
    if action == "add":
        lines.append(f"Adding {service} ({named(quote.get('to_tier'))}): {money(quote.get('monthly_price_after'))} a month.")
    elif action == "modify":
        lines.append(f"Changing {service} from {named(quote.get('from_tier'))} ({money(quote.get('monthly_price_before'))}/month) "
                     f"to {named(quote.get('to_tier'))} ({money(quote.get('monthly_price_after'))}/month).")
    else:
        lines.append(f"Cancelling {service} ({named(quote.get('from_tier'))}, {money(quote.get('monthly_price_before'))}/month), "
                     f"effective {day(quote.get('effective_date'))}.")
    days_left = quote.get("days_remaining")
    cycle = quote.get("cycle") or {}
    if Decimal(str(quote.get("prorated_charge") or 0)):
        lines.append(f"Pro-rated charge for the {days_left} days left of this billing cycle "
                     f"(of {cycle.get('days')}): {money(quote.get('prorated_charge'))}.")
    if Decimal(str(quote.get("prorated_credit") or 0)) and not Decimal(str(quote.get("refund") or 0)):
        lines.append(f"Pro-rated credit for the {days_left} unused days: {money(quote.get('prorated_credit'))}.")
    if Decimal(str(quote.get("refund") or 0)):
        lines.append(f"Refund for the {days_left} unused days of this cycle: {money(quote.get('refund'))}.")
    for fee in quote.get("fees") or []:
        label = str(fee.get("kind", "fee")).replace("_", " ")
        lines.append(f"{label.capitalize()}: {money(fee.get('amount'))} ({fee.get('reason', '')}).".replace(" ()", ""))
    if not quote.get("fees") and action in ("modify", "cancel"):
        lines.append("No fee applies to this change.")
    if action == "add" and quote.get("activation_eta"):
        lines.append(f"Activation: by {moment(quote.get('activation_eta'))}; you'll be notified when it's live.")
    lines.append(net_line(quote.get("net_adjustment")))
    return lines


def plan_quote_lines(quote: Dict) -> List[str]:
    frm, to = quote.get("from_plan") or {}, quote.get("to_plan") or {}
    lines = [f"Switching from {named(frm)} ({money(frm.get('monthly_fee'))}/month) to {named(to)} "
             f"({money(to.get('monthly_fee'))}/month), effective {day(quote.get('effective_date'))}."]
    if quote.get("when") == "now":
        cycle = quote.get("cycle") or {}
        lines.append(f"Pro-rated for the {quote.get('days_remaining')} days left of this {cycle.get('days')}-day cycle: "
                     f"credit {money(quote.get('prorated_credit'))} for {named(frm)}, "
                     f"charge {money(quote.get('prorated_charge'))} for {named(to)}.")
    else:
        lines.append("No pro-rated charges: the new plan starts with your next billing cycle.")
    lines.append(net_line(quote.get("net_adjustment")))
    for restriction in quote.get("restrictions") or []:
        lines.append(f"Note: {restriction}")
    return lines


def plan_summary(plan: Dict) -> str:
    """A calling plan as the catalog gives it: kind, monthly fee and restrictions, in one line."""
    return (f"{plan['name']} ({plan['kind'].replace('_', '-')}): {money(plan['monthly_fee'])}/month. "
            + " ".join(plan.get("restrictions") or [])).rstrip()


def bullet(lines: List[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def points_to_tell(points: List[str], for_agent: bool) -> str:
    """The "tell the customer" points of a quote: addressed to the agent, or to the customer."""
    return ("Tell the customer:\n" if for_agent else "Good to know:\n") + bullet(points)
