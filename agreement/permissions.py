"""What each role may do with the agreement and its action plan."""

import rules

from kcsp.roles import has_any_role, is_officer

rules.add_perm("agreement.edit_plan", is_officer)
rules.add_perm("agreement.view_internal_progress", has_any_role)
