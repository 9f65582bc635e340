// Online account: the last change on the account with "Undo" while it can be undone (the
// services decide: within the window, nothing changed since, not itself an undo). Undo shows the
// services' quote (what comes back, what money moves, on which bill) behind the same confirmation
// step as every change, with one Idempotency-Key per shown quote.
"use strict";

window.QCAccountUndo = function (ctx) {
  const $ = (id) => document.getElementById(id);

  function when(at) { return at.replace("T", " ").slice(0, 16) + " UTC"; }

  async function offer(change) {
    const body = { audit_id: change.audit_id };    // the change shown, and only if it is still the last
    let quote;
    try {
      quote = await ctx.call("POST", ctx.path("/changes/last/undo/quote"), body);
    } catch (e) { ctx.showError(e); ctx.refresh(); return; }
    QCConfirm.ask({
      title: "Undo: " + change.description + "?", lines: quote.tell_customer, terms: [],
      confirmLabel: "Confirm undo",
      run: (key) => ctx.call("POST", ctx.path("/changes/last/undo"), body, key),
      outcome: (result) => ["Done. " + (result.quote.tell_customer[0] || "")]
        .concat(result.quote.tell_customer.slice(1)),
      after: ctx.refresh,
    });
  }

  function render(last) {
    const box = $("last-change");
    const change = last.change;
    box.hidden = !(change && last.undoable);
    if (box.hidden) { box.replaceChildren(); return; }
    const text = ctx.el("span", "", "Last change: " + change.description + " (" + when(change.at) +
      "). You can undo it until " + when(change.undo_until) + ".");
    box.replaceChildren(text, " ", ctx.button("Undo", () => offer(change), "small"));
    box.dataset.auditId = change.audit_id;
  }

  return {
    load: async function () { render(await ctx.call("GET", ctx.path("/changes/last"))); },
  };
};
