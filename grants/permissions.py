"""What each role may do with the grant. Who may *see* which bid is BidQuerySet.visible_to."""

import rules

from kcsp.roles import is_chair, is_member, is_officer


@rules.predicate
def is_bid_author(user, bid):
    return bid is not None and bid.created_by_id == user.pk


@rules.predicate
def is_draft_bid(user, bid):
    return bid is not None and bid.is_draft


rules.add_perm("grants.view_all_bids", is_officer | is_chair)
rules.add_perm("grants.submit_bid", is_member | is_officer)
rules.add_perm("grants.view_bids", is_member | is_officer | is_chair)
rules.add_perm("grants.submit_this_bid", is_officer | (is_member & is_bid_author))
rules.add_perm("grants.edit_bid", is_draft_bid & (is_officer | (is_member & is_bid_author)))
rules.add_perm("grants.manage_grant", is_officer)
rules.add_perm("grants.decide_bid", is_chair)
rules.add_perm("grants.export_bids", is_officer | is_chair)
