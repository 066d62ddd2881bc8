"""Who an API request acts for: the owner of a valid Bearer token, or the public."""

from django.contrib.auth.models import AnonymousUser

from .models import ApiToken


class BadToken(Exception):
    pass


def api_user(request):
    """The token's user; the public with no Authorization header; BadToken for anything else."""
    header = request.headers.get("Authorization", "")
    if not header:
        return AnonymousUser()
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BadToken("Send the token as: Authorization: Bearer <token>")
    user = ApiToken.user_for(token.strip())
    if user is None:
        raise BadToken("The token is not valid: it may have been revoked.")
    return user
