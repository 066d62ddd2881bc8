"""What each role may do in the partnership core; other apps name theirs in their own permissions.py."""

import rules

from .roles import has_any_role, is_admin, is_chair, is_dpo, is_member, is_officer, is_signed_in

rules.add_perm("kcsp.view_directory", has_any_role)
rules.add_perm("kcsp.view_account", is_signed_in)
rules.add_perm("kcsp.use_admin", is_admin)
rules.add_perm("kcsp.view_system_status", is_admin)
rules.add_perm("kcsp.run_render_check", is_admin)
# Officers keep the directory: they add and correct organisations and people, and retire organisations (issue 15).
# The admin role keeps its Django admin pages for the same records (roles.ADMIN_MANAGED_MODELS).
rules.add_perm("kcsp.manage_directory", is_officer)
# The waiting lists behind the home page's counts (kcsp/home_views.py): each role its own; DHR lists pass the DHR gate.
rules.add_perm("kcsp.view_home_officer", is_officer)
rules.add_perm("kcsp.view_home_chair", is_chair)
rules.add_perm("kcsp.view_home_member", is_member)
# The data map (kcsp/datamap.py, issue 20): which fields hold personal data, for the data protection officer and
# the admin role.
rules.add_perm("kcsp.view_data_map", is_admin | is_dpo)
