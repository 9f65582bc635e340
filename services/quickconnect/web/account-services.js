// Online account, Services tab: the customer's add-ons, and add / change tier / cancel through
// the same quote and write endpoints the assistant uses, each behind the confirmation step.
"use strict";

window.QCAccountServices = function (ctx) {
  const $ = (id) => document.getElementById(id);
  let catalog = [];        // GET /catalog/services
  let subscriptions = [];  // GET /customers/{acct}/subscriptions

  const STATUS = { pending_activation: "Pending activation", active: "Active" };
  const FEES = { cancellation_fee: "Cancellation fee", modification_fee: "Modification fee" };

  function net(amount) {
    const n = Number(amount);
    return n > 0 ? ctx.money(amount) + " charge" : n < 0 ? ctx.money(amount.slice(1)) + " credit" : "no change";
  }

  function label(service, tier) {
    const entry = catalog.find((s) => s.code === service.code);
    return entry && entry.tiers.length > 1 && tier ? service.name + " (" + tier.name + ")" : service.name;
  }

  // The services' quote as short lines: prices, pro-rated amounts, fees, refund, net effect.
  function quoteLines(q) {
    const lines = [];
    if (q.action === "add") lines.push(ctx.money(q.monthly_price_after) + " a month from now on.");
    if (q.action === "modify") {
      lines.push("Monthly price: " + ctx.money(q.monthly_price_before) + " now, " +
                 ctx.money(q.monthly_price_after) + " after the change.");
    }
    if (q.action === "cancel") lines.push("You stop paying " + ctx.money(q.monthly_price_before) + " a month.");
    lines.push("Effective " + q.effective_date + ", with " + q.days_remaining + " of the " + q.cycle.days +
               " days of this billing cycle left.");
    if (q.prorated_charge !== "0.00") {
      lines.push("Pro-rated charge for those days: " + ctx.money(q.prorated_charge) + ".");
    }
    if (q.action === "cancel") {
      lines.push("Refund for the unused days: " + ctx.money(q.refund) + ".");
    } else if (q.prorated_credit !== "0.00") {
      lines.push("Pro-rated credit for those days: " + ctx.money(q.prorated_credit) + ".");
    }
    for (const fee of q.fees) lines.push(FEES[fee.kind] + ": " + ctx.money(fee.amount) + " (" + fee.reason + ").");
    lines.push("Net effect on your next bill: " + net(q.net_adjustment) + ".");
    if (q.activation_eta) {
      lines.push("Live by " + q.activation_eta.replace("T", " ").replace("Z", " UTC") +
                 "; we will notify you when it is live.");
    }
    return lines;
  }

  // One flow for the three changes: quote first, then the write with the confirmation's key.
  async function offer(quoteBody, title, confirmLabel, write) {
    let quote;
    try {
      quote = await ctx.call("POST", ctx.path("/subscriptions/quote"), quoteBody);
    } catch (e) { ctx.showError(e); return; }
    QCConfirm.ask({
      title: title, lines: quoteLines(quote), terms: quote.terms, confirmLabel: confirmLabel,
      run: write,
      outcome: (result) => {
        const told = result.quote.tell_customer;
        return ["Done. " + (told[0] || "")].concat(told.slice(1));
      },
      after: ctx.refresh,
    });
  }

  function cancel(s) {
    offer({ action: "cancel", service: s.service.code }, "Cancel " + label(s.service, s.tier) + "?",
      "Confirm cancellation",
      (key) => ctx.call("POST", ctx.path("/subscriptions/" + s.service.code + "/cancel"),
                        { expected_version: s.version }, key));
  }

  function changeTier(s, tierCode) {
    const tier = catalog.find((c) => c.code === s.service.code).tiers.find((t) => t.code === tierCode);
    offer({ action: "modify", service: s.service.code, tier: tierCode },
      "Change " + s.service.name + " from " + s.tier.name + " to " + tier.name + "?", "Confirm the change",
      (key) => ctx.call("POST", ctx.path("/subscriptions/" + s.service.code + "/modify"),
                        { tier: tierCode, expected_version: s.version }, key));
  }

  function add(serviceCode, tierCode) {
    const service = catalog.find((c) => c.code === serviceCode);
    const tier = service.tiers.find((t) => t.code === tierCode);
    offer({ action: "add", service: serviceCode, tier: tierCode }, "Add " + label(service, tier) + "?",
      "Confirm and add",
      (key) => ctx.call("POST", ctx.path("/subscriptions"), { service: serviceCode, tier: tierCode }, key));
  }

  function options(select, items) {
    select.replaceChildren(...items.map(([value, text]) => {
      const o = ctx.el("option", "", text);
      o.value = value;
      return o;
    }));
  }

  function tierControl(s) {
    const tiers = catalog.find((c) => c.code === s.service.code).tiers.filter((t) => t.code !== s.tier.code);
    const box = ctx.el("span", "row-actions");
    if (tiers.length) {
      const select = ctx.el("select");
      select.setAttribute("aria-label", "New tier for " + s.service.name);
      options(select, tiers.map((t) => [t.code, t.name + " (" + ctx.money(t.monthly_price) + ")"]));
      box.append(select, ctx.button("Change tier", () => changeTier(s, select.value)));
    }
    box.append(ctx.button("Cancel", () => cancel(s), "small danger"));
    return box;
  }

  function render() {
    const live = subscriptions.filter((s) => s.status !== "cancelled");
    $("services").replaceChildren(...live.map((s) => {
      const status = STATUS[s.status] + (s.status === "pending_activation" && s.activates_at
        ? " (live by " + s.activates_at.replace("T", " ").replace("Z", " UTC") + ")" : "");
      const tr = ctx.row([s.service.name, s.tier.name, ctx.money(s.monthly_price), status, tierControl(s)]);
      tr.dataset.service = s.service.code;
      return tr;
    }));
    if (!live.length) $("services").append(ctx.row(["You have no add-on services yet.", "", "", "", ""]));
    const have = new Set(live.map((s) => s.service.code));
    const addable = catalog.filter((c) => !have.has(c.code));
    $("add-service").hidden = !addable.length;
    const chosen = $("add-service-name").value;
    options($("add-service-name"), addable.map((c) => [c.code, c.name]));
    if (addable.some((c) => c.code === chosen)) $("add-service-name").value = chosen;
    renderTiers();
  }

  function renderTiers() {
    const service = catalog.find((c) => c.code === $("add-service-name").value);
    const tiers = service ? service.tiers : [];
    options($("add-service-tier"),
            tiers.map((t) => [t.code, t.name + " (" + ctx.money(t.monthly_price) + " a month)"]));
  }

  $("add-service-name").addEventListener("change", renderTiers);
  $("add-service").addEventListener("submit", (event) => {
    event.preventDefault();
    add($("add-service-name").value, $("add-service-tier").value);
  });

  return {
    load: async function () {
      [catalog, subscriptions] = await Promise.all([
        catalog.length ? catalog : ctx.call("GET", "/catalog/services"),
        ctx.call("GET", ctx.path("/subscriptions")),
      ]);
      render();
    },
  };
};
