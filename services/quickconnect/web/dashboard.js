// The support dashboard: agent or supervisor sign-in, filters (date range, channel), the figures
// and charts from GET /dashboard/summary, and the CSV exports (fetched with the token, then saved).
"use strict";

(function () {
  const KEY = "qc-staff-session";   // not the portal's: a supervisor there could not use its chat
  const $ = (id) => document.getElementById(id);
  let session = QCSession.load(KEY);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function day(offset) {   // UTC days, as the services count them
    return new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  }

  function query() {
    const q = new URLSearchParams({ from: $("from").value, to: $("to").value });
    if ($("channel").value) q.set("channel", $("channel").value);
    return q;
  }

  async function get(path) {
    const resp = await fetch(path, { headers: { Authorization: "Bearer " + session.token } });
    if (resp.status === 401) { signOut("Your sign-in has expired; please sign in again."); throw new Error(""); }
    if (!resp.ok) {
      const data = await resp.json().catch(() => null);
      throw new Error((data && data.error && data.error.message) || "The dashboard could not be loaded.");
    }
    return resp;
  }

  const pretty = (name) => name.replace(/_/g, " ");

  function render(s) {
    const t = s.totals;
    $("tracker-note").hidden = s.tracker_store === "ok";
    $("total-conversations").textContent = t.conversations;
    $("total-containment").textContent =
      t.containment_rate === null ? "–" : Math.round(t.containment_rate * 100) + "%";
    $("total-handed-off").textContent = t.handed_off;
    $("total-faq").textContent = t.faq_answers;
    $("total-changes").textContent = t.changes;
    $("total-review").textContent = t.to_review;
    $("total-undos").textContent = t.undos;
    const days = s.per_day.map((d) => d.date);
    const series = [
      { name: "contained", values: s.per_day.map((d) => d.contained), className: "qc-col" },
      { name: "handed to a person", values: s.per_day.map((d) => d.handed_off), className: "qc-col-handoff" },
    ];
    QCCharts.legend($("legend-conversations"), series);
    QCCharts.columns($("chart-conversations"), days, series, "Conversations per day");
    QCCharts.columns($("chart-changes-daily"), days,
      [{ name: "changes", values: s.per_day.map((d) => d.changes), className: "qc-col" }], "Changes per day");
    QCCharts.bars($("chart-faq"), s.faq_topics.map((x) => ({ label: pretty(x.topic), value: x.count })),
      "FAQ answers by topic");
    QCCharts.bars($("chart-changes"), s.changes.map((x) => ({ label: pretty(x.action), value: x.count })),
      "Changes by type", "qc-bar-alt");
    QCCharts.bars($("chart-undos"), s.undos.map((x) => ({ label: pretty(x.change), value: x.count })),
      "Undos by type of change", "qc-bar-alt");
    QCCharts.bars($("chart-handoffs"), s.handoff_reasons.map((x) => ({ label: pretty(x.reason), value: x.count })),
      "Handoffs by reason", "qc-bar-alt");
    $("review").replaceChildren(...s.review.map((r) => {
      const tr = el("tr");
      const channel = r.channel === "chat" ? "customer chat" : "agent widget";
      for (const cell of [r.at.replace("T", " ").replace("Z", ""), channel, pretty(r.intent),
                          r.confidence === null ? "" : r.confidence.toFixed(2), r.text,
                          r.suggestions.map(pretty).join(", ")]) {
        tr.append(el("td", "", cell));
      }
      return tr;
    }));
    if (!s.review.length) {
      const tr = el("tr");
      const cell = el("td", "hint", "Nothing to review in this range.");
      cell.colSpan = 6;
      tr.append(cell);
      $("review").append(tr);
    }
  }

  async function load() {
    $("board-error").textContent = "";
    try {
      render(await (await get("/dashboard/summary?" + query())).json());
    } catch (e) {
      $("board-error").textContent = e.message;
    }
  }

  async function download(kind) {
    $("board-error").textContent = "";
    try {
      const q = query();
      q.set("kind", kind);
      const resp = await get("/dashboard/export.csv?" + q);
      const link = el("a");
      link.href = URL.createObjectURL(await resp.blob());
      link.download = "quickconnect-" + kind + "-" + $("from").value + "-to-" + $("to").value + ".csv";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    } catch (e) {
      $("board-error").textContent = e.message;
    }
  }

  function renderSession() {
    $("login").hidden = !!session;
    $("who").hidden = !session;
    $("board").hidden = !session;
    if (!session) return;
    $("who-name").textContent = session.name;
    $("who-id").textContent = session.subject;
    $("who-role").textContent = session.role;
    load();
  }

  function signOut(message) {
    session = null;
    QCSession.logout(KEY);
    renderSession();
    if (message) $("login-error").textContent = message;
  }

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const s = await QCSession.login(KEY, { agent_id: $("agent-id").value.trim(), password: $("password").value });
      $("password").value = "";
      if (s.role !== "supervisor" && s.role !== "agent") {
        QCSession.logout(KEY);
        throw new Error("The dashboard is for QuickConnect supervisors and agents.");
      }
      session = s;
      renderSession();
    } catch (e) {
      $("login-error").textContent = e.message;
    }
  });
  $("logout").addEventListener("click", () => signOut());
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  $("export-daily").addEventListener("click", () => download("daily"));
  $("export-review").addEventListener("click", () => download("review"));

  $("from").value = day(-29);
  $("to").value = day(0);
  renderSession();
  // Enabled only now: a click before the handlers exist would submit the form as a plain GET.
  $("login").querySelector("button").disabled = false;
})();
