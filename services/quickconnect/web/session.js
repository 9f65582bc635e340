// Sign-in shared by the pages: the services issue a signed, expiring token (POST /auth/token);
// it lives in sessionStorage (gone when the tab closes) and is dropped when it expires.
"use strict";

window.QCSession = (function () {
  function load(key) {
    try {
      const s = JSON.parse(sessionStorage.getItem(key) || "null");
      return s && s.expires_at > Date.now() ? s : null;
    } catch (e) { return null; }
  }

  async function login(key, credentials) {
    const resp = await fetch("/auth/token", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(credentials),
    });
    const data = await resp.json().catch(() => null);
    if (!resp.ok) throw new Error((data && data.error && data.error.message) || "Sign-in failed.");
    const session = { token: data.access_token, role: data.role, subject: data.subject, name: data.name,
                      expires_at: Date.now() + data.expires_in * 1000 };
    sessionStorage.setItem(key, JSON.stringify(session));
    return session;
  }

  function logout(key) { sessionStorage.removeItem(key); }

  async function api(session, path) {
    const resp = await fetch(path, { headers: session ? { Authorization: "Bearer " + session.token } : {} });
    const data = await resp.json().catch(() => null);
    if (!resp.ok) throw new Error((data && data.error && data.error.message) || "Request failed.");
    return data;
  }

  async function config() {
    return (await fetch("/web/config.json")).json();
  }

  return { load: load, login: login, logout: logout, api: api, config: config };
})();
