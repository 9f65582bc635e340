"""The web pages are served by the services, with a policy that lets no injected script run."""


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
