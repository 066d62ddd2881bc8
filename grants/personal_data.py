"""Personal data in grant bids (the data map: kcsp/datamap.py)."""

from kcsp.datamap import CONTACT, FREE_TEXT, IDENTITY, PUBLIC_TASK, PersonalField, personal

BID_READERS = "Officers, chairs and the bid's author; funded bids' titles and amounts are published"


def bid(category: str, purpose: str) -> PersonalField:
    return PersonalField(category, purpose, PUBLIC_TASK, "grant_bid", BID_READERS)


DECLARATIONS = {
    "Bid": personal(
        {
            "contact_name": bid(IDENTITY, "Who to contact about the bid"),
            "contact_email": bid(CONTACT, "Who to contact about the bid"),
            "description": bid(FREE_TEXT, "What the bid would fund"),
            "outcomes": bid(FREE_TEXT, "What the funded work achieved"),
        }
    ),
    "BidStep": personal({"reason": bid(FREE_TEXT, "Why a bid moved on or was refused")}),
    "BidAttachment": personal({}, not_personal={"original_name": "The name of an uploaded file"}),
}
