"""What each role may do with committee business. Who may *see* what is in access.py."""

import rules

from kcsp.roles import has_any_role, is_chair, is_officer

rules.add_perm("meetings.manage", is_officer)
rules.add_perm("meetings.agree_agenda", is_chair)
rules.add_perm("meetings.approve_minutes", is_chair)
rules.add_perm("meetings.view_committees", has_any_role)
rules.add_perm("meetings.send_apologies", has_any_role)
# Only those who attended the meeting propose amendments to its minutes (meetings/amendments.py checks who).
rules.add_perm("meetings.propose_amendment", has_any_role)
