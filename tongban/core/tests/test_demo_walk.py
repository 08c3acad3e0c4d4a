"""Every persona walks the demo county from the workbench and follows the links the pages show them: no link
leads to a page that answers 404, 403 or 500 (pages must not link to what the reader may not open —
`{% link_if_visible %}`; and every page answers). The demo county is the richest data the project has, so a
link to another unit's record, a to-do that its owner cannot open, or a page that breaks on real data shows here
whatever app it belongs to. One page per URL shape (ids replaced), two levels below the workbench; the public
portal too, three levels below its home page."""
import re
from collections import deque

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tongban.org.demo import PERSONAS

pytestmark = pytest.mark.django_db

SKIP = ("/logout", "/static/", "/media/", "/api/", "/admin/", "download", "export", "docx", "xlsx", "pdf")
HREF = re.compile(r'href="(/[^"#]*)"')


def _shape(url: str) -> str:
    return re.sub(r"\d+", "N", url.split("?")[0])


def walk(user, start: str = "/workbench/", depth: int = 2, skip: tuple = SKIP + ("/portal/",)) -> tuple[int, list]:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    queue, seen, shapes, broken = deque([(start, "", 0)]), set(), set(), []
    while queue:
        url, came_from, level = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code not in (200, 302):
            broken.append((came_from, url, response.status_code))
            continue
        if level >= depth or "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if link in seen or any(part in link for part in skip) or _shape(link) in shapes:
                continue
            shapes.add(_shape(link))
            queue.append((link, url, level + 1))
    return len(seen), broken


@pytest.mark.parametrize("username", [username for username, _, _ in PERSONAS])
def test_every_link_a_persona_is_shown_opens(username, demo_county):
    user = get_user_model().objects.get(username=username)
    pages, broken = walk(user)
    assert pages > 20, f"{username} reached only {pages} pages from the workbench"
    assert not broken, "\n".join(f"{came_from} → {url}: {status}" for came_from, url, status in broken)


def test_every_link_the_public_is_shown_opens(demo_county):
    """The portal as a citizen sees it, three levels from the home page: guides, bundles, outlets, the wall."""
    pages, broken = walk(None, start="/", depth=3, skip=SKIP + ("/workbench/", "/login"))
    assert pages > 30, f"the public reached only {pages} pages"
    assert not broken, "\n".join(f"{came_from} → {url}: {status}" for came_from, url, status in broken)
