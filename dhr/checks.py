"""System checks that keep the DHR access log unforgettable: the middleware that writes it, and who owns its table."""

from django.conf import settings
from django.core import checks

MIDDLEWARE = "dhr.gate.DhrAccessLogMiddleware"


@checks.register(checks.Tags.security)
def access_log_middleware_installed(app_configs, **kwargs):
    """Without the middleware the gate refuses every DHR page (ImproperlyConfigured): say so at start."""
    if MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [checks.Error(f"{MIDDLEWARE} is not in MIDDLEWARE", hint="DHR pages log through it.", id="dhr.E001")]


@checks.register(checks.Tags.database, deploy=True)
def access_log_not_owned_by_the_app(app_configs, databases=None, **kwargs):
    """In production the application's role must not own dhr_accesslog: an owner can TRUNCATE it or drop the
    trigger that keeps it append-only. Runs with `manage.py check --deploy --database default`."""
    from django.db import connections

    problems = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT tableowner = current_user FROM pg_tables WHERE tablename = 'dhr_accesslog'")
            row = cursor.fetchone()
        if row and row[0]:
            problems.append(
                checks.Warning(
                    "The application's database role owns dhr_accesslog, so it could TRUNCATE the DHR access log.",
                    hint="Make another role the owner and GRANT the application SELECT, INSERT on it "
                    "(and USAGE on its sequence); see the README's production section.",
                    id="dhr.W002",
                )
            )
    return problems
