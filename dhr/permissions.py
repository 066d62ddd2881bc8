"""What DHR-cleared users may do: everything in this app, once verified with a one-time code."""

import rules

from kcsp.roles import is_dhr_verified

rules.add_perm("dhr.view_cases", is_dhr_verified)
