"""What each role may do in the partnership core; other apps name theirs in their own permissions.py."""

import rules

from .roles import has_any_role, is_admin, is_signed_in

rules.add_perm("kcsp.view_directory", has_any_role)
rules.add_perm("kcsp.view_account", is_signed_in)
rules.add_perm("kcsp.use_admin", is_admin)
rules.add_perm("kcsp.view_system_status", is_admin)
rules.add_perm("kcsp.run_render_check", is_admin)
