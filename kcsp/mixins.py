"""View mixins every app uses to check permissions declared with `rules`."""

from rules.contrib.views import PermissionRequiredMixin


class RolePermissionMixin(PermissionRequiredMixin):
    """Check the role before looking anything up, so a refusal never depends on whether an object exists."""

    def get_permission_object(self):
        return None
