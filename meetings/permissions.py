"""What each role may do with committee business. Who may *see* what is in access.py."""

import rules

from kcsp.roles import is_chair, is_officer, is_signed_in

rules.add_perm("meetings.manage", is_officer)
rules.add_perm("meetings.agree_agenda", is_chair)
rules.add_perm("meetings.approve_minutes", is_chair)
rules.add_perm("meetings.view_committees", is_signed_in)
rules.add_perm("meetings.send_apologies", is_signed_in)
