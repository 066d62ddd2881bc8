"""Request rates for the API (DRF throttling on the shared Redis cache): per address for the public, per
account for a token. Rates from settings.API_RATES ("600/minute"), read at each request so they can change."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class PublicRate(AnonRateThrottle):
    def get_rate(self):
        return settings.API_RATES["anon"]


class TokenRate(UserRateThrottle):
    def get_rate(self):
        return settings.API_RATES["user"]


class RefusedTokenRate(PublicRate):
    """Refused tokens count against the public rate of their address (the same bucket): DRF answers 401 before
    any rate is checked, so made-up tokens would otherwise be tried, each a database look-up, without limit."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def refused_token_counted(request) -> None:
    """Count one refused token for the request's address; Throttled (429, Retry-After) once over the rate."""
    rate = RefusedTokenRate()
    if not rate.allow_request(request, None):
        raise exceptions.Throttled(rate.wait())
