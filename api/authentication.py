"""Who an API request acts for: the owner of a valid Bearer token (RFC 6750), or the public.

No Authorization header: the public (DRF's anonymous user). A header that is not "Bearer <token>", or a token
that is unknown, revoked or whose owner's account is closed: 401 with WWW-Authenticate: Bearer, counted against
the public rate of the address (api.throttles.RefusedTokenRate: 429 once over it).
Tokens are stored hashed (api.models.ApiToken); the owner sees through the API what they see on the site.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import ApiToken
from .throttles import refused_token_counted


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            refused_token_counted(request)
            raise exceptions.AuthenticationFailed("Send the token as: Authorization: Bearer <token>")
        user = ApiToken.user_for(token.strip())
        if user is None:
            refused_token_counted(request)
            raise exceptions.AuthenticationFailed("The token is not valid: it may have been revoked.")
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="kcsp"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token made under Account, API tokens."}
