// The customer's live-chat page: demo sign-in with account number and PIN, then the chat widget
// sends the token with every message. Signed out, the same widget answers general questions.
"use strict";

(async function () {
  const KEY = "qc-customer-session";
  const $ = (id) => document.getElementById(id);
  let session = QCSession.load(KEY);
  const config = await QCSession.config();

  function render() {
    $("login").hidden = !!session;
    $("who").hidden = !session;
    $("account-summary").hidden = !session;
    if (session) {
      $("who-name").textContent = session.name;
      $("who-account").textContent = session.subject;
    }
  }

  function signOut(message) {
    session = null;
    QCSession.logout(KEY);
    render();
    if (message) $("login-error").textContent = message;
  }

  const chat = QCChat.mount({
    root: $("chat"), scope: "customer", assistantUrl: config.assistant_url,
    token: () => (session ? session.token : null),
    onAuthError: (message) => signOut(message),
  });

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      // The same conversation goes on, now signed in: "log in first" requests can be repeated.
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

  render();
  // Enabled only now: a click before the handlers exist would submit the form as a plain GET.
  $("login").querySelector("button").disabled = false;
})();
