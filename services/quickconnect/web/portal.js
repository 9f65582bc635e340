// The employee portal: agent sign-in, customer lookup (the chat then acts on that account),
// the customer's audit log, and the queue of conversations waiting for a person.
"use strict";

(async function () {
  const KEY = "qc-agent-session";
  const $ = (id) => document.getElementById(id);
  const el = QCChat.el;
  let session = QCSession.load(KEY);
  let account = null;      // the customer open in the lookup
  let openHandoff = null;  // the handoff shown in the detail panel
  let chat = null;
  let queueTimer = null;
  const config = await QCSession.config();

  async function post(path, body) {
    const resp = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + session.token,
                 "Idempotency-Key": crypto.getRandomValues(new Uint32Array(4)).join("-") },
      body: JSON.stringify(body || {}),
    });
    const data = await resp.json().catch(() => null);
    if (!resp.ok) throw new Error((data && data.error && data.error.message) || "Request failed.");
    return data;
  }

  function row(cells) {
    const tr = el("tr");
    for (const c of cells) tr.append(el("td", "", c));
    return tr;
  }

  // Only an account that was found becomes the one the chat acts on.
  async function showCustomer(candidate) {
    const wanted = typeof candidate === "string" ? candidate : account;
    if (!wanted) return;
    try {
      const [customer, services, audit] = await Promise.all([
        QCSession.api(session, "/customers/" + encodeURIComponent(wanted)),
        QCSession.api(session, "/customers/" + encodeURIComponent(wanted) + "/subscriptions"),
        QCSession.api(session, "/audit?account=" + encodeURIComponent(wanted)),
      ]);
      account = customer.account_number;
      $("customer-name").textContent = customer.name;
      $("customer-account").textContent = customer.account_number;
      $("customer-plan").textContent = customer.plan.name;
      $("customer-cycle").textContent = customer.cycle.start + " to " + customer.cycle.end;
      $("customer-services").replaceChildren(...services.filter((s) => s.status !== "cancelled").map((s) =>
        row([s.service.name, s.tier.name, "$" + s.monthly_price, s.status.replace("_", " ")])));
      $("audit").replaceChildren(...auditRows(audit));
      $("working").textContent = "The assistant acts on " + customer.name + "'s account (" + customer.account_number + ").";
      $("customer").hidden = false;
    } catch (e) {
      $("lookup-error").textContent = e.message;
    }
  }


  // The latest entries; an undo links to the entry it reverses, and that entry says who undid it.
  function auditRows(audit) {
    const undoneBy = {};
    for (const a of audit) if (a.reverses) undoneBy[a.reverses] = a.id;
    return audit.slice(-8).reverse().map((a) => {
      const action = el("td", "", a.action.replace(/_/g, " "));
      const link = (id, text) => {
        const anchor = el("a", "", text);
        anchor.href = "#audit-" + id;
        return anchor;
      };
      if (a.reverses) action.append(" (reverses ", link(a.reverses, "#" + a.reverses), ")");
      if (undoneBy[a.id]) action.append(" (undone by ", link(undoneBy[a.id], "#" + undoneBy[a.id]), ")");
      const tr = row(["#" + a.id, a.at.replace("T", " ").slice(0, 16)]);
      tr.id = "audit-" + a.id;
      if (a.reverses) tr.className = "reversal";
      tr.append(action, el("td", "", a.actor + " (" + a.role + ")"), el("td", "", a.channel));
      return tr;
    });
  }

  async function refreshQueue() {
    try {
      const handoffs = (await QCSession.api(session, "/handoffs"))
        .filter((h) => h.status === "waiting" || (h.status === "taken" && h.taken_by === session.subject));
      $("queue").replaceChildren(...handoffs.map((h) => {
        const item = el("li");
        const open = el("button", "link", "#" + h.id + " · " + (h.account_number || "visitor") + " · " + h.status);
        open.type = "button";
        open.addEventListener("click", () => showHandoff(h.id));
        item.append(open, el("span", "reason", " " + h.reason));
        return item;
      }));
      if (!handoffs.length) $("queue").append(el("li", "hint", "Nobody is waiting."));
      if (openHandoff) showHandoff(openHandoff);
    } catch (e) { /* shown again on the next refresh */ }
  }

  async function showHandoff(id) {
    openHandoff = id;
    const h = await QCSession.api(session, "/handoffs/" + id);
    $("handoff").hidden = false;
    $("handoff-title").textContent = "Request #" + h.id + " · " + (h.account_number || "visitor") + " · " + h.status +
      (h.agent_name ? " (" + h.agent_name + ")" : "");
    $("handoff-summary").textContent = "Reason: " + h.reason + "\n" + h.summary;
    $("handoff-messages").replaceChildren(...h.messages.map((m) => {
      const line = el("div", "qc-msg " + (m.sender_role === "agent" ? "qc-agent" : "qc-user"));
      line.append(el("div", "qc-who", m.sender_name), el("div", "qc-text", m.text));
      return line;
    }));
    const mine = h.status === "taken" && h.taken_by === session.subject;
    $("take").hidden = h.status !== "waiting";
    $("close").hidden = !mine;
    $("reply").hidden = !mine;
  }

  function render() {
    $("login").hidden = !!session;
    $("who").hidden = !session;
    $("workspace").hidden = !session;
    if (!session) return;
    $("who-name").textContent = session.name;
    $("who-id").textContent = session.subject;
    if (!chat) {
      chat = QCChat.mount({
        root: $("chat"), scope: "agent-" + session.subject, assistantUrl: config.assistant_url,
        token: () => (session ? session.token : null), account: () => account,
        onAuthError: () => signOut(), onReply: showCustomer,
      });
    }
    refreshQueue();
    if (!queueTimer) queueTimer = setInterval(refreshQueue, 4000);
  }

  function signOut() {
    QCSession.logout(KEY);
    location.reload();
  }

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      session = await QCSession.login(KEY, { agent_id: $("agent-id").value.trim(), password: $("password").value });
      if (session.role !== "agent") {
        QCSession.logout(KEY);   // not kept: a reload must not open the workspace for a non-agent
        throw new Error("This portal is for QuickConnect agents; supervisors use the support dashboard.");
      }
      render();
    } catch (e) {
      session = null;
      $("login-error").textContent = e.message;
    }
  });
  $("logout").addEventListener("click", signOut);
  $("lookup").addEventListener("submit", (event) => {
    event.preventDefault();
    $("lookup-error").textContent = "";
    showCustomer($("lookup-account").value.trim().toUpperCase());
  });
  $("take").addEventListener("click", async () => {
    try { await post("/handoffs/" + openHandoff + "/take"); } catch (e) { $("handoff-error").textContent = e.message; }
    refreshQueue();
  });
  $("close").addEventListener("click", async () => {
    try { await post("/handoffs/" + openHandoff + "/close"); } catch (e) { $("handoff-error").textContent = e.message; }
    refreshQueue();
  });
  $("reply").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply-text").value.trim();
    if (!text) return;
    try { await post("/handoffs/" + openHandoff + "/messages", { text: text }); $("reply-text").value = ""; }
    catch (e) { $("handoff-error").textContent = e.message; }
    showHandoff(openHandoff);
  });

  render();
  // Enabled only now: a click before the handlers exist would submit the form as a plain GET.
  $("login").querySelector("button").disabled = false;
})();
