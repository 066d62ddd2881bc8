"""Request rates for the API (DRF throttling on the shared Redis cache): per address for the public, per
account for a token. Rates from settings.API_RATES ("600/minute"), read at each request so they can change."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class PublicRate(AnonRateThrottle):
    def get_rate(self):
        return settings.API_RATES["anon"]


class TokenRate(UserRateThrottle):
    def get_rate(self):
        return settings.API_RATES["user"]
