// The customer's online account: sign-in (shared with the live-chat page), the tabs, the
// notifications and the chat widget. Each tab lives in its own file (account-*.js) and gets the
// helpers below; every request is sent with X-Channel: web so the audit log shows where a change
// came from.
"use strict";

(async function () {
  const KEY = "qc-customer-session";     // the live-chat page's key: one sign-in serves both pages
  const TABS = ["services", "plan", "usage"];
  const $ = (id) => document.getElementById(id);
  const el = QCChat.el;
  let session = QCSession.load(KEY);
  const config = await QCSession.config();

  // status 0: the services could not be reached (the request may or may not have arrived).
  async function call(method, path, body, idempotencyKey) {
    const headers = { "X-Channel": "web", Authorization: "Bearer " + session.token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let resp;
    try {
      resp = await fetch(path, { method: method, headers: headers,
                                 body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw Object.assign(new Error("QuickConnect could not be reached."), { status: 0 });
    }
    const data = await resp.json().catch(() => null);
    if (resp.status === 401) signOut("Your sign-in has expired; please sign in again.");
    if (!resp.ok) {
      const error = data && data.error;
      throw Object.assign(new Error((error && error.message) || "Something went wrong."),
                          { status: resp.status, code: error && error.code });
    }
    return data;
  }

  function money(amount) {
    return (String(amount).startsWith("-") ? "-$" + String(amount).slice(1) : "$" + amount);
  }

  function row(cells, className) {
    const tr = el("tr", className);
    for (const c of cells) {
      const td = el("td");
      if (c instanceof Node) td.append(c); else td.textContent = c;
      tr.append(td);
    }
    return tr;
  }

  function button(text, onClick, className) {
    const b = el("button", className || "small", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function showError(e) { $("account-error").textContent = e.message; }

  const ctx = {
    call: call, money: money, row: row, button: button, el: el, showError: showError,
    path: (suffix) => "/customers/" + encodeURIComponent(session.subject) + (suffix || ""),
    refresh: () => refresh(),
  };
  const tabs = { services: QCAccountServices(ctx), plan: QCAccountPlan(ctx), usage: QCAccountUsage(ctx) };
  const lastChange = QCAccountUndo(ctx);

  async function loadNotices() {
    const notes = (await call("GET", ctx.path("/notifications"))).slice(0, 5)   // newest first;
    $("notices").replaceChildren(...notes.map((n) =>
      el("p", "notice" + (n.read ? "" : " unread"), n.message + " (" + n.created_at.slice(0, 10) + ")")));
  }

  async function refresh() {
    if (!session) return;
    $("account-error").textContent = "";
    await Promise.all([loadNotices(), lastChange.load(), ...TABS.map((t) => tabs[t].load())]).catch(showError);
  }

  function openTab(name) {
    if (!TABS.includes(name)) name = "services";
    for (const t of TABS) {
      $("panel-" + t).hidden = t !== name;
      $("tab-" + t).setAttribute("aria-selected", String(t === name));
    }
    QCConfirm.close();
    history.replaceState(null, "", "#" + name);
  }

  function render() {
    $("login").hidden = !!session;
    $("who").hidden = !session;
    $("account-view").hidden = !session;
    if (!session) return;
    $("who-name").textContent = session.name;
    $("who-account").textContent = session.subject;
    refresh();
  }

  function signOut(message) {
    session = null;
    QCSession.logout(KEY);
    QCConfirm.close();
    render();
    if (message) $("login-error").textContent = message;
  }

  // The same conversation as on the live-chat page; a change made there shows here after the reply.
  const chat = QCChat.mount({
    root: $("chat"), scope: "customer", assistantUrl: config.assistant_url,
    token: () => (session ? session.token : null),
    onAuthError: (message) => signOut(message), onReply: () => refresh(),
  });

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      session = await QCSession.login(KEY, { account_number: $("account").value.trim(), pin: $("pin").value });
      $("pin").value = "";
      render();
    } catch (e) {
      $("login-error").textContent = e.message;
    }
  });
  $("logout").addEventListener("click", () => {
    signOut();
    chat.startOver();   // the next person on this browser does not see this conversation
  });
  for (const t of TABS) $("tab-" + t).addEventListener("click", () => openTab(t));

  openTab(location.hash.slice(1));
  render();
  setInterval(() => { if (session) loadNotices().catch(() => {}); }, 60000);   // "your service is live"
  // Enabled only now: a click before the handlers exist would submit the form as a plain GET.
  $("login").querySelector("button").disabled = false;
})();
