"""The web pages are served by the services, with a policy that lets no injected script run."""
import re

from quickconnect.entrypoints.web import WEB_DIR


def test_pages_are_served_with_a_strict_content_security_policy(client):
    r = client.get("/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, "/web/")
    for page in ("/web/", "/web/portal.html", "/web/chat.js", "/web/style.css"):
        r = client.get(page)
        assert r.status_code == 200, page
        policy = r.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "Live chat" in client.get("/web/").text


def test_the_pages_learn_where_the_assistant_is(client, services):
    assert client.get("/web/config.json").json() == {"assistant_url": services.settings.assistant_url}


def test_the_pages_are_not_part_of_the_api_contract(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p == "/" or p.startswith("/web")]


def test_every_page_and_script_is_served_under_the_policy_with_nothing_inline(client):
    # The policy allows no inline script or style: a page that had some would silently break.
    names = sorted(p.name for p in WEB_DIR.iterdir() if p.suffix in (".html", ".js", ".css"))
    assert {"account.html", "dashboard.html", "charts.js", "confirm.js"} <= set(names)
    for name in names:
        r = client.get(f"/web/{name}")
        assert r.status_code == 200 and "script-src 'self'" in r.headers["content-security-policy"], name
        if name.endswith(".html"):
            assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", r.text), f"inline script in {name}"
            assert not re.search(r"\sstyle=|<style|\son[a-z]+=", r.text), f"inline style or handler in {name}"
