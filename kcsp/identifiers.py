"""The official identifiers an organisation may carry, read as people type them and stored in the register's form.

Each `*_clean` takes what was typed and returns the stored form ("" for nothing typed), or raises ValidationError
naming the rule. Organisation.org_id turns the stored forms into the org-id.guide identifier 360Giving uses.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

# Registered charity numbers of the Charity Commission for England and Wales: 6 digits (the older register,
# for example 202918) or 7 digits (from 1 000 000, for example 1089464). A linked charity is shown on the register
# as the main number and a suffix ("1089464-1"): org-id.guide's GB-CHC scheme has no place for the suffix.
CHARITY_NUMBER = re.compile(r"^\d{6,7}$", re.ASCII)
CHARITY_SUFFIX = re.compile(r"^(\d{6,7})-\d{1,2}$", re.ASCII)

# Companies House: 8 characters, all digits in England and Wales (shorter numbers are written with leading
# zeros: 123456 is 00123456), or a 2-letter prefix and 6 digits for the other registers (SC Scotland, NI Northern
# Ireland, OC limited liability partnerships, …), or R0 and 6 digits (older Northern Ireland companies).
COMPANY_PREFIXES = frozenset(
    "AC BR CE CS EN ES FC FE GE GN GS IC IP LP NA NC NF NI NL NO NP NR NZ OC OE RC RS SA SC SE SF SG SI SL SO "  # noqa: SIM905
    "SP SR SZ ZC".split()
)
COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|R0\d{6})$", re.ASCII)

# The Local Authorities in England register (org-id.guide GB-LAE): 3 or 4 capital letters, for example KEN (Kent
# County Council) or MDW (Medway Council).
LOCAL_AUTHORITY_CODE = re.compile(r"^[A-Z]{3,4}$")


def _squeezed(value: str) -> str:
    return "".join((value or "").split()).upper()


def charity_number_clean(value: str) -> str:
    """A charity number as typed ("1089464", " 1 089 464 ") -> "1089464"; "" -> "".

    Raises ValidationError for anything but 6 or 7 digits, and for a linked charity's suffix ("1089464-1")."""
    number = _squeezed(value)
    if not number:
        return ""
    if suffixed := CHARITY_SUFFIX.match(number):
        raise ValidationError(
            f"Enter the registered charity number without the linked-charity suffix, for example {suffixed[1]}: "
            "the 360Giving identifier is the main charity's number"
        )
    if not CHARITY_NUMBER.match(number):
        raise ValidationError(
            "Enter a registered charity number of 6 or 7 digits, as the Charity Commission for England and Wales "
            "shows it, for example 1089464"
        )
    return number


def company_number_clean(value: str) -> str:
    """A Companies House number as typed -> its 8-character form: "123456" -> "00123456", "sc 123456" -> "SC123456".

    Raises ValidationError for a number of more than 8 digits, an unknown prefix or any other shape."""
    number = _squeezed(value)
    if not number:
        return ""
    if number.isascii() and number.isdigit() and len(number) < 8:
        number = number.zfill(8)
    if COMPANY_NUMBER.match(number):
        if number.isdigit() or number.startswith("R0") or number[:2] in COMPANY_PREFIXES:
            return number
        raise ValidationError(
            f"{number[:2]} is not a Companies House prefix: enter the company number as its certificate shows it, "
            "for example 01234567 or SC123456"
        )
    raise ValidationError(
        "Enter a Companies House company number of 8 characters: 8 digits, for example 01234567, or 2 letters and "
        "6 digits, for example SC123456"
    )


def local_authority_code_clean(value: str) -> str:
    """A local-authority register code as typed ("ken") -> "KEN"; raises ValidationError unless 3 or 4 letters."""
    code = _squeezed(value)
    if not code:
        return ""
    if not LOCAL_AUTHORITY_CODE.match(code):
        raise ValidationError(
            "Enter the local authority's code in the Local Authorities in England register: 3 or 4 letters, "
            "for example KEN for Kent County Council"
        )
    return code


INITIALS = re.compile(r"^[^\W\d_]+$")


def initials_clean(value: str) -> str:
    """Initials as typed ("a.j.", "A J") -> "AJ"; raises ValidationError unless letters only."""
    initials = "".join((value or "").replace(".", " ").split()).upper()
    if initials and not INITIALS.match(initials):
        raise ValidationError("Initials must be letters only, for example S or AJ")
    return initials


def giving_identifier(organisation) -> str:
    """The identifier the 360Giving file gives `organisation` (a kcsp.Organisation): its official org-id
    (GB-CHC-…, GB-COH-…, GB-LAE-…), or, when it has none, the configured 360Giving prefix
    (settings.GRANTS_360_PREFIX) with the organisation's number: "360G-kcsp-org-23"."""
    return organisation.org_id or f"{settings.GRANTS_360_PREFIX}-org-{organisation.pk}"
