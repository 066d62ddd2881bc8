"""The offline reader's service worker is served from the site root, as JavaScript, and always checked for updates."""

from django.urls import reverse


def test_the_service_worker_is_served_from_the_root_with_its_scope_allowed(client):
    response = client.get(reverse("reader_service_worker"))
    assert response.status_code == 200
    assert reverse("reader_service_worker") == "/reader-sw.js"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    # What it keeps is decided by the server's mark on each response, never by the page that asks.
    assert "X-Pack-Public" in script and "no-store" in script
    assert client.post(reverse("reader_service_worker")).status_code == 405
