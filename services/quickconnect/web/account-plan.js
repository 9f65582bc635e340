// Online account, Plan tab: the current international calling plan, what it covers and its
// restrictions, the plan options and their rates, and a plan change behind the confirmation step.
"use strict";

window.QCAccountPlan = function (ctx) {
  const $ = (id) => document.getElementById(id);
  let plans = [];     // GET /catalog/plans
  let current = null; // GET /customers/{acct}/plan

  function net(amount) {
    const n = Number(amount);
    return n > 0 ? ctx.money(amount) + " charge" : n < 0 ? ctx.money(amount.slice(1)) + " credit" : "no change";
  }

  function included(p) {
    if (p.kind === "unlimited") {
      return "Unlimited, up to " + p.fair_use_minutes.toLocaleString("en") + " min a cycle (fair use)";
    }
    if (p.kind === "regional") return p.included_minutes + " min a cycle";
    return "Nothing: every minute is charged";
  }

  function beyond(p) {
    if (p.kind === "regional") return ctx.money(p.overage_rate) + "/min in its regions; pay-per-minute rates elsewhere";
    if (p.kind === "unlimited") return "Pay-per-minute rates";
    return "Per-minute rate of the country's region (see rates below)";
  }

  function list(root, lines) {
    root.replaceChildren(...lines.map((text) => ctx.el("li", "", text)));
  }

  function render(coverage) {
    const p = current.plan;
    $("plan-name").textContent = p.name;
    $("plan-fee").textContent = ctx.money(p.monthly_fee);
    $("plan-since").textContent = p.since;
    $("plan-cycle").textContent = current.cycle.start + " to " + current.cycle.end;
    $("plan-coverage").textContent = "Covers " + coverage.countries_covered + " countries" +
      (coverage.regions ? " (" + coverage.regions.join(", ") + ")" : "") + ". " + coverage.note;
    list($("plan-restrictions"), current.restrictions);
    $("plan-options").replaceChildren(...plans.map((o) => ctx.row([
      o.name + (o.code === p.code ? " (your plan)" : ""), ctx.money(o.monthly_fee), included(o), beyond(o),
      o.regions ? o.regions.join(", ") : "Every country we serve"], o.code === p.code ? "current" : "")));
    $("change-plan-to").replaceChildren(...plans.filter((o) => o.code !== p.code).map((o) => {
      const option = ctx.el("option", "", o.name + " (" + ctx.money(o.monthly_fee) + " a month)");
      option.value = o.code;
      return option;
    }));
  }

  function quoteLines(q) {
    const lines = ["From " + q.from_plan.name + " (" + ctx.money(q.from_plan.monthly_fee) + " a month) to " +
                   q.to_plan.name + " (" + ctx.money(q.to_plan.monthly_fee) + " a month)."];
    if (q.when === "now") {
      lines.push("Effective today, " + q.effective_date + ", with " + q.days_remaining + " of the " +
                 q.cycle.days + " days of this billing cycle left.");
      lines.push("Pro-rated credit for " + q.from_plan.name + ": " + ctx.money(q.prorated_credit) + ".");
      lines.push("Pro-rated charge for " + q.to_plan.name + ": " + ctx.money(q.prorated_charge) + ".");
    } else {
      lines.push("Effective at the start of your next billing cycle, " + q.effective_date + "; no pro-rated charges.");
    }
    lines.push("Net effect on your next bill: " + net(q.net_adjustment) + ".");
    return lines;
  }

  $("change-plan").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { plan: $("change-plan-to").value, when: $("change-plan-when").value };
    let quote;
    try {
      quote = await ctx.call("POST", ctx.path("/plan/quote"), body);
    } catch (e) { ctx.showError(e); return; }
    QCConfirm.ask({
      title: "Switch to " + quote.to_plan.name + "?", lines: quoteLines(quote), terms: quote.restrictions,
      confirmLabel: "Confirm plan change",
      run: (key) => ctx.call("POST", ctx.path("/plan/change"), body, key),
      outcome: (result) => ["Done."].concat(result.quote.tell_customer),
      after: ctx.refresh,
    });
  });

  $("rates").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("rates-error").textContent = "";
    try {
      const r = await ctx.call("GET", "/catalog/rates?country=" + encodeURIComponent($("rates-country").value.trim()));
      $("rates-rows").replaceChildren(...r.rates.map((x) => ctx.row([
        x.plan.name, x.per_minute === null ? "Not available" : ctx.money(x.per_minute), x.note])));
      $("rates-table").hidden = false;
      $("rates-table").querySelector("thead th").textContent = "Plan (calls to " + r.country.name + ")";
    } catch (e) {
      $("rates-table").hidden = true;
      $("rates-error").textContent = e.message;
    }
  });

  return {
    load: async function () {
      [current, plans] = await Promise.all([ctx.call("GET", ctx.path("/plan")),
                                            plans.length ? plans : ctx.call("GET", "/catalog/plans")]);
      render(await ctx.call("GET", "/catalog/plans/" + current.plan.code + "/coverage"));
    },
  };
};
