"""The README's production steps work: collectstatic under production settings, then every page as every role.

`collectstatic` runs in a child process with the production settings (manifest storage) into a temporary
folder; every GET URL of the permission matrix is then rendered as every role with that storage and DEBUG
off, along with the 403, 404 and 500 pages: no server error, and every /static/ file a page names exists.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import get_resolver

from kcsp.testing import manage_production

from .test_permission_matrix import (  # noqa: F401  (fixtures)
    EVERY_ROLE,
    ROUTES,
    _url,
    clients,
    matrix_world,
    objects,
    users,
)

STATIC_REFERENCE = re.compile(r"""(?:href|src)="(/static/[^"?#]+)""")
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
HASHED_STYLESHEET = re.compile(r"/static/build/kcsp\.[0-9a-f]{12}\.css")
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    result = manage_production("collectstatic", "--noinput", STATIC_ROOT=root, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (root / "staticfiles.json").exists()
    return root


@pytest.fixture
def production_storage(collected, settings):
    """Through pytest-django's `settings`, so these and other fixtures' overrides unwind in the right order."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return collected


def _missing_static(html: str, root) -> list[str]:
    return [path for path in STATIC_REFERENCE.findall(html) if not (root / path.removeprefix("/static/")).is_file()]


def _answer(client, url: str):
    """The response, or the exception a page raised (a missing manifest entry raises ValueError)."""
    try:
        return client.get(url), None
    except Exception as error:  # noqa: BLE001 - reported with its URL below
        return None, error


def test_every_page_renders_as_every_role_under_manifest_storage(production_storage, objects, clients, capsys):  # noqa: F811
    problems, pages = [], 0
    for name, route in sorted(ROUTES.items()):
        if route.method != "get":
            continue
        url = _url(name, route, objects)
        for role in EVERY_ROLE:
            response, error = _answer(clients[role], url)
            if error is not None or response.status_code >= 500:
                problems.append(f"{role} GET {url}: {error or response.status_code}")
                continue
            if response.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", 0):
                pages += 1
                html = response.content.decode()
                problems += [f"{role} GET {url}: no {path}" for path in _missing_static(html, production_storage)]
                named = STATIC_REFERENCE.findall(html)
                if named and not all(HASHED.search(path) for path in named):
                    problems.append(f"{role} GET {url}: static files not from the manifest: {named}")
    assert not problems, "\n".join(problems[:40])
    assert pages > 300
    with capsys.disabled():
        print(f"\nproduction storage: {pages} HTML pages rendered with hashed static files")


@pytest.mark.django_db
def test_the_error_pages_render_under_manifest_storage(production_storage, rf):
    not_found = Client().get("/no-such-page/")
    assert not_found.status_code == 404 and "Page not found" in not_found.content.decode()
    csrf = Client(enforce_csrf_checks=True).post("/account/sign-in/", {})
    assert csrf.status_code == 403
    request = rf.get("/")
    request.user = AnonymousUser()
    server_error = get_resolver().resolve_error_handler(500)(request)
    assert server_error.status_code == 500
    forbidden = get_resolver().resolve_error_handler(403)(request, exception=PermissionError())
    assert forbidden.status_code == 403
    for response in (not_found, csrf, server_error, forbidden):
        html = response.content.decode()
        assert HASHED_STYLESHEET.search(html) and not _missing_static(html, production_storage), html[:400]
