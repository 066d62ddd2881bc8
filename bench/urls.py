"""The benchmark's URLconf: the product's URLs plus the signed-in floor, which the product never serves.

Used only when BENCH_URLCONF=bench.urls (kcsp/settings/test.py reads it into ROOT_URLCONF), by bench/load.py's
gunicorn servers and bench/profile.py. The signed-in floor is the least a signed-in page costs: the session, the
user, and the base template with its context processors, nothing else (no queries of its own, no fragments).
"""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("bench/signed-in-floor/", login_required(TemplateView.as_view(template_name="base.html"))),
    path("", include("kcsp.urls")),
]
