// The explicit confirmation step of every change in the online account. The services' quote is
// shown and nothing changes until Confirm. The change is sent with one Idempotency-Key, made when
// the quote is shown: a double click, or Try again after an answer was lost, replays the first
// result instead of changing the account twice.
"use strict";

window.QCConfirm = (function () {
  const $ = (id) => document.getElementById(id);
  let pending = null;   // {key, offer, busy}

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "web-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function fill(list, lines) {
    list.replaceChildren(...lines.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  function close() {
    pending = null;
    $("confirm").hidden = true;
  }

  // offer: {title, lines: [text], terms: [text], confirmLabel, run(key) -> Promise<result>,
  //         outcome(result) -> [text], after()}
  function ask(offer) {
    pending = { key: newKey(), offer: offer, busy: false };
    $("confirm-title").textContent = offer.title;
    fill($("confirm-lines"), offer.lines);
    fill($("confirm-terms"), offer.terms || []);
    $("confirm-terms-box").hidden = !(offer.terms && offer.terms.length);
    $("confirm-yes").textContent = offer.confirmLabel || "Confirm";
    $("confirm-yes").hidden = false;
    $("confirm-yes").disabled = false;
    $("confirm-back").textContent = "Back";
    $("confirm-error").textContent = "";
    $("confirm-done").hidden = true;
    $("confirm").hidden = false;
    $("confirm").scrollIntoView({ block: "nearest" });
  }

  async function confirm() {
    if (!pending || pending.busy) return;     // the second click of a double click
    const current = pending;
    current.busy = true;
    $("confirm-yes").disabled = true;
    $("confirm-error").textContent = "";
    try {
      const result = await current.offer.run(current.key);
      pending = null;
      $("confirm-yes").hidden = true;
      $("confirm-back").textContent = "Close";
      fill($("confirm-done"), current.offer.outcome(result));
      $("confirm-done").hidden = false;
      if (current.offer.after) current.offer.after();
    } catch (e) {
      current.busy = false;
      if (e.status === 0 || e.status >= 500) {
        // The change may or may not have reached us: the same key makes a retry safe.
        $("confirm-error").textContent = e.message + " Try again: it sends the same request, so it " +
          "cannot be applied twice.";
        $("confirm-yes").textContent = "Try again";
        $("confirm-yes").disabled = false;
      } else {
        // Refused (changed meanwhile, not allowed...): nothing changed; ask for a fresh quote.
        pending = null;
        $("confirm-error").textContent = e.message + " Nothing was changed.";
        $("confirm-yes").hidden = true;
        if (current.offer.after) current.offer.after();
      }
    }
  }

  $("confirm-yes").addEventListener("click", confirm);
  $("confirm-back").addEventListener("click", close);

  return { ask: ask, close: close };
})();
