"""One normal form of a typed e-mail address, for signing in and for counting wrong passwords (django-axes)."""

import unicodedata


def email_normalise(raw: str | None) -> str:
    """Unicode NFKC, surrounding spaces removed, lower case: the form e-mail addresses are stored in.

    ' Ｏfficer@Kent.Gov.UK ' -> 'officer@kent.gov.uk'. None -> ''.
    """
    return unicodedata.normalize("NFKC", raw or "").strip().lower()


def lockout_identity(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the name wrong passwords are counted against, whatever case or spaces were typed.

    Case-folded as well as lower-cased, so every spelling of one address shares one count (and one lock).
    """
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return email_normalise(raw).casefold()
