"""The site's icon: /favicon.ico for browsers that ask without a <link>, and the <link>s."""

import io

from PIL import Image


def test_favicon_ico_is_an_icon_open_to_everyone(client):
    reply = client.get("/favicon.ico")
    assert reply.status_code == 200
    assert reply.mimetype.startswith("image/")
    icon = Image.open(io.BytesIO(reply.data))
    assert icon.format == "ICO" and icon.size[0] >= 16


def test_every_page_links_its_icon(client):
    page = client.get("/login").text
    assert 'rel="icon" href="/favicon.ico"' in page
    for link in ("/static/favicon.svg", "/static/favicon.png"):
        assert client.get(link).status_code == 200


def test_the_icon_never_sends_the_session_cookie_back(client, auth, make_user):
    # Chromium fetches the icon beside the page, with the cookie it started with: had the answer
    # carried that cookie, it could undo a language switch answered meanwhile (a flaky
    # whole-page-in-Chinese failure of the language test).
    make_user("icon-k", "county_staff")
    auth.login("icon-k")
    assert "Set-Cookie" not in client.get("/favicon.ico").headers
    assert "Set-Cookie" not in client.get("/townships/stats").headers  # a page that changes nothing
    assert "Set-Cookie" in client.get("/lang/en").headers
