// Online account, Usage tab: this cycle's international minutes and cost by country against the
// plan's allowance, past cycles, and the billing history with its adjustments. Figures are the
// services' own (GET /customers/{acct}/usage, /plan, /billing); nothing is recomputed here.
"use strict";

window.QCAccountUsage = function (ctx) {
  const $ = (id) => document.getElementById(id);
  const CYCLES = 6;
  const KINDS = { monthly_charge: "Monthly charge", prorated_charge: "Pro-rated charge",
                  prorated_credit: "Pro-rated credit", modification_fee: "Modification fee",
                  cancellation_fee: "Cancellation fee", refund: "Refund", usage: "Calls" };
  let plans = [];

  const count = (n) => Number(n).toLocaleString("en");

  // How many of this cycle's minutes the plan includes: regional plans their included minutes,
  // unlimited plans their fair-use limit, Pay-Per-Minute none.
  function allowance(current) {
    const p = current.plan;
    const left = current.usage.minutes_remaining;
    if (p.kind === "pay_per_minute") {
      return { text: p.name + " includes no minutes: every minute is charged at its region's rate." };
    }
    const total = p.kind === "regional" ? current.usage.included_minutes
      : (plans.find((x) => x.code === p.code) || {}).fair_use_minutes;
    const used = total - left;
    const what = p.kind === "regional" ? "included minutes" : "minutes of the fair-use limit";
    return { total: total, used: used,
             text: p.name + ": " + count(used) + " of " + count(total) + " " + what + " used this cycle, " +
                   count(left) + " left." };
  }

  function render(usage, current, billing) {
    const cycle = usage.cycles[0];
    $("usage-cycle").textContent = cycle.cycle.start + " to " + cycle.cycle.end;
    $("usage-minutes").textContent = count(cycle.minutes);
    $("usage-cost").textContent = ctx.money(cycle.cost);
    const a = allowance(current);
    $("usage-allowance").textContent = a.text;
    $("usage-meter").hidden = a.total === undefined;
    if (a.total !== undefined) QCCharts.meter($("usage-meter"), a.used, a.total, a.text);
    const countries = cycle.by_country.slice().sort((x, y) => y.minutes - x.minutes);
    QCCharts.bars($("usage-chart"), countries.map((c) => ({
      label: c.country.name, value: c.minutes, text: c.minutes + " min · " + ctx.money(c.cost) })),
      "Minutes by country this cycle");
    $("usage-countries").replaceChildren(...countries.map((c) =>
      ctx.row([c.country.name, String(c.minutes), ctx.money(c.cost)])));
    if (!countries.length) $("usage-countries").append(ctx.row(["No international calls yet this cycle.", "", ""]));

    const past = usage.cycles.slice().reverse();     // oldest first, left to right
    QCCharts.columns($("cycles-chart"), past.map((c) => c.cycle.start),
      [{ name: "Minutes", values: past.map((c) => c.minutes), className: "qc-col" }], "Minutes per billing cycle");
    $("usage-cycles").replaceChildren(...usage.cycles.map((c) =>
      ctx.row([c.cycle.start + " to " + c.cycle.end, String(c.minutes), ctx.money(c.cost)])));

    $("billing").replaceChildren(...billing.map((b) => {
      const tr = ctx.row([b.date, KINDS[b.kind] || b.kind, b.description, ctx.money(b.amount)],
                         b.kind === "monthly_charge" ? "" : "adjustment");
      tr.lastChild.className = "num";
      return tr;
    }));
  }

  return {
    load: async function () {
      const [usage, current, billing, catalog] = await Promise.all([
        ctx.call("GET", ctx.path("/usage?cycles=" + CYCLES)), ctx.call("GET", ctx.path("/plan")),
        ctx.call("GET", ctx.path("/billing")), plans.length ? plans : ctx.call("GET", "/catalog/plans")]);
      plans = catalog;
      render(usage, current, billing);
    },
  };
};
