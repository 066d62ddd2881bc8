"""The offline reader's service worker (static/kcsp/reader-sw.js), served from the site root so its scope is `/`."""

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

SERVICE_WORKER = "kcsp/reader-sw.js"


@require_GET
def reader_service_worker(request):
    """The worker's script as JavaScript, for everyone (it holds no data; what it keeps is decided in the browser).

    A worker's scope is the folder it is served from, so it is served at /reader-sw.js rather than /static/…, with
    `Service-Worker-Allowed: /` saying so; `no-cache` so browsers check for a new worker on every visit (they also
    do at most every 24 hours whatever the header). The text is read from the static files, so collectstatic and
    the development server agree."""
    path = finders.find(SERVICE_WORKER)
    if not path:
        raise Http404("The offline reader is not installed.")
    with open(path, encoding="utf-8") as script:
        response = HttpResponse(script.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
