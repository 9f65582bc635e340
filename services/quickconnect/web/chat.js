// The QuickConnect chat widget: talks to the Rasa server's QuickConnect channel
// (POST /webhooks/quickconnect/webhook, GET .../history) and, once a person takes over,
// to the services' handoff endpoints. Plain DOM, no build step.
// Every text from the user, the assistant or an agent is set with textContent, never as HTML.
"use strict";

window.QCChat = (function () {
  const POLL_MS = 2500;
  const REPLY_TIMEOUT_MS = 90000;   // longer than the assistant's own worst case, so its answer normally wins

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function newConversationId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function jsonOrNull(resp) {
    try { return await resp.json(); } catch (e) { return null; }
  }

  // options: {root, scope, assistantUrl, token(): string|null, account(): string|null,
  //           onAuthError(message), onReply()}
  function mount(options) {
    const storageKey = "qc-chat-" + options.scope;
    const root = options.root;
    root.classList.add("qc-chat");
    root.replaceChildren();
    const banner = el("div", "qc-banner");
    banner.hidden = true;
    const log = el("div", "qc-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    const typing = el("div", "qc-typing", "QuickConnect assistant is typing…");
    typing.hidden = true;
    const form = el("form", "qc-input");
    const input = el("input");
    input.type = "text";
    input.maxLength = 2000;
    input.placeholder = "Type a message…";
    input.setAttribute("aria-label", "Message");
    const send = el("button", "", "Send");
    send.type = "submit";
    form.append(input, send);
    root.append(banner, log, typing, form);

    let conversationId = localStorage.getItem(storageKey);
    let handoff = null;          // {id, status, agent_name} while a person is involved
    let seenAgentMessages = new Set();
    let pollTimer = null;

    function authHeaders() {
      const token = options.token();
      return token ? { Authorization: "Bearer " + token } : {};
    }

    function scrollDown() { log.scrollTop = log.scrollHeight; }

    function addBubble(who, text, label) {
      const row = el("div", "qc-msg qc-" + who);
      if (label) row.append(el("div", "qc-who", label));
      row.append(el("div", "qc-text", text));
      log.append(row);
      scrollDown();
      return row;
    }

    function addButtons(buttons, live) {
      const row = el("div", "qc-buttons");
      for (const b of buttons) {
        const button = el("button", "qc-button", b.title);
        button.type = "button";
        button.disabled = !live;
        button.addEventListener("click", () => {
          // One click answers once: the row is disabled before the message goes out.
          row.querySelectorAll("button").forEach((x) => { x.disabled = true; });
          button.classList.add("qc-chosen");
          sendToAssistant(b.payload, b.title);
        });
        row.append(button);
      }
      log.append(row);
      scrollDown();
    }

    function showBanner(text, kind) {
      banner.textContent = text;
      banner.className = "qc-banner qc-banner-" + kind;
      banner.hidden = false;
    }

    function renderBotMessage(m, live) {
      if (m.text) addBubble("bot", m.text, "Assistant");
      if (m.buttons && m.buttons.length) addButtons(m.buttons, live);
      if (m.custom && m.custom.handoff) watchHandoff();
    }

    function setBusy(busy) {
      typing.hidden = !busy;
      send.disabled = busy;
      if (busy) scrollDown();
    }

    async function sendToAssistant(text, display) {
      addBubble("user", display || text);
      setBusy(true);
      const body = { sender: conversationId, message: text };
      if (display) body.display = display;
      const account = options.account && options.account();
      if (account) body.account = account;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), REPLY_TIMEOUT_MS);
      try {
        const resp = await fetch(options.assistantUrl + "/webhooks/quickconnect/webhook", {
          method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, authHeaders()),
          body: JSON.stringify(body), signal: abort.signal,
        });
        const data = await jsonOrNull(resp);
        if (!resp.ok) {
          const message = (data && data.error && data.error.message) || "Something went wrong; please try again.";
          addBubble("bot qc-error", message, "Assistant");
          if (resp.status === 401 && options.onAuthError) options.onAuthError(message);
          return;
        }
        for (const m of data || []) renderBotMessage(m, true);
        if (options.onReply) options.onReply();
      } catch (e) {
        addBubble("bot qc-error", (e.name === "AbortError" ? "The assistant is taking too long to answer. "
          : "The assistant can't be reached right now. ") + "Nothing was changed unless it confirmed it above. " +
          "Please try again, or call 1-800-123-4567 or email support@quickconnect.com.", "Assistant");
      } finally {
        clearTimeout(timer);
        setBusy(false);
      }
    }

    async function sendToAgent(text) {
      addBubble("user", text);
      const resp = await fetch("/conversations/" + conversationId + "/handoff/messages", {
        method: "POST",
        headers: Object.assign({ "Content-Type": "application/json", "Idempotency-Key": newConversationId() },
          authHeaders()),
        body: JSON.stringify({ text: text }),
      });
      const data = await jsonOrNull(resp);
      if (resp.ok) seenAgentMessages.add(data.id);
      else addBubble("bot qc-error", (data && data.error && data.error.message) || "Your message could not be sent.", "");
    }

    // includeOwn: after a reload, show the user's own messages too (otherwise sendToAgent did).
    function applyHandoff(h, includeOwn) {
      const before = handoff ? handoff.status : null;
      handoff = h;
      for (const m of h.messages || []) {
        if (seenAgentMessages.has(m.id) || (m.sender_role !== "agent" && !includeOwn)) continue;
        seenAgentMessages.add(m.id);
        if (m.sender_role === "agent") addBubble("agent", m.text, m.sender_name + " (QuickConnect)");
        else addBubble("user", m.text);
      }
      if (h.status === "waiting") {
        showBanner("A QuickConnect agent will take over shortly (request #" + h.id + "). " +
          "You can keep chatting with the assistant meanwhile.", "waiting");
      } else if (h.status === "taken") {
        showBanner(h.agent_name + " from QuickConnect has taken over: you are chatting with a person.", "taken");
        input.placeholder = "Message " + h.agent_name + "…";
      } else {
        showBanner((h.agent_name || "The agent") + " has ended the chat. You're back with the assistant.", "closed");
        input.placeholder = "Type a message…";
        stopPolling();
      }
      if (before !== h.status && h.status === "taken") typing.hidden = true;
    }

    async function pollHandoff() {
      try {
        const resp = await fetch("/conversations/" + conversationId + "/handoff", { headers: authHeaders() });
        if (resp.ok) applyHandoff(await resp.json());
      } catch (e) { /* the next poll tries again */ }
    }

    function watchHandoff() {
      if (pollTimer) return;
      pollHandoff();
      pollTimer = setInterval(pollHandoff, POLL_MS);
    }

    function stopPolling() {
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
    }

    async function restore() {
      if (!conversationId) return;
      try {
        const resp = await fetch(options.assistantUrl + "/webhooks/quickconnect/history?sender=" +
          encodeURIComponent(conversationId), { headers: authHeaders() });
        if (!resp.ok) { startOver(); return; }   // someone else's conversation on this browser
        const data = await resp.json();
        const messages = data.messages || [];
        messages.forEach((m, i) => {
          if (m.sender === "user") addBubble("user", m.text);
          else renderBotMessage(m, i === messages.length - 1);   // only the last buttons still answer
        });
        const h = await fetch("/conversations/" + conversationId + "/handoff", { headers: authHeaders() });
        if (h.ok) {
          const state = await h.json();
          applyHandoff(state, true);
          if (state.status !== "closed") watchHandoff();
        }
      } catch (e) { /* an empty chat is still a working chat */ }
    }

    function startOver() {
      stopPolling();
      conversationId = newConversationId();
      localStorage.setItem(storageKey, conversationId);
      handoff = null;
      seenAgentMessages = new Set();
      log.replaceChildren();
      banner.hidden = true;
      input.placeholder = "Type a message…";
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      if (handoff && handoff.status === "taken") sendToAgent(text);
      else sendToAssistant(text);
    });

    if (!conversationId) startOver();
    restore();
    return { startOver: startOver, send: sendToAssistant };
  }

  return { mount: mount, el: el };
})();
