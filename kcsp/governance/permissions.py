"""Who runs information governance (issue 20). The admin role keeps the retention schedule with the data
protection officer; only the data protection officer reviews and approves disposal, places legal holds and makes
subject-access packages. DHR records on those pages: kcsp.roles.dpo_sees_dhr."""

import rules

from kcsp.roles import is_admin, is_dpo

rules.add_perm("governance.view_retention_schedule", is_admin | is_dpo)
rules.add_perm("governance.change_retention_rule", is_admin | is_dpo)
rules.add_perm("governance.review_disposal", is_dpo)
rules.add_perm("governance.place_legal_hold", is_dpo)
rules.add_perm("governance.make_subject_access", is_dpo)
