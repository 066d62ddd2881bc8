"""django-rules' permission backend, given the last word on the permissions it defines.

Django asks each backend in turn and stops at the first that says yes; a rule saying no would fall through to
ModelBackend, which loads the user's and their groups' database permissions (two queries a request) though no
database permission carries a rule's name. Here a permission defined as a rule is decided by its rule alone: yes,
or no by raising PermissionDenied, which ends Django's loop (django.contrib.auth.models._user_has_perm). So it can
only refuse what ModelBackend could not have granted; permissions that are not rules (the Django admin's
add/change/delete/view of the reference data the admin role keeps) still reach ModelBackend.
kcsp/tests/test_rules_backend.py checks that no database permission shares a rule's name.

It never signs anyone in (authenticate answers None), so no session names it and sessions survive the change.
"""

import rules
from django.core.exceptions import PermissionDenied
from rules.permissions import ObjectPermissionBackend


class RuleDecidesBackend(ObjectPermissionBackend):
    def has_perm(self, user, perm, *args, **kwargs):
        if not rules.perm_exists(perm):
            return False
        if rules.has_perm(perm, user, *args, **kwargs):
            return True
        raise PermissionDenied
