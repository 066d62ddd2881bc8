"""Draft minutes go round those who attended; each may propose amendments; the clerk accepts or rejects each.

The rule (issue 14, "Lifecycle"; DOMAIN.md "Minutes"): an officer circulates a held meeting's draft minutes to
those who attended (access.ATTENDED_KINDS). While they are circulated and not yet approved, anyone who attended
may propose new wording for a minute they may read, saying why. The clerk (an officer) accepts or rejects each
proposal once, with a reason; accepting puts the proposed wording into the minute through minuting.minute_save,
so how it prints is recomputed and the change is in the minute's history. Minutes are not approved while a
proposal is undecided (signing.minutes_approve), and nothing is proposed or decided after approval: a correction
then is an erratum. Every refusal is a ValidationError naming the rule; nothing is saved.
"""

import difflib
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp import roles
from kcsp.models import User

from . import access, minuting, notify
from .minuting import _locked_meeting as minuting_locked_meeting
from .models import Meeting, Minute, MinuteAmendment

NOT_AFTER_APPROVAL = (
    "The minutes of {meeting} have been approved and signed: no amendment is proposed or decided after approval. "
    "A correction is recorded as an erratum."
)


@dataclass(frozen=True)
class Circulation:
    meeting: Meeting
    again: bool  # the minutes had been circulated before
    addressed: int  # attendees with an account who are e-mailed (unless they switched these e-mails off)


def _officer_check(user: User, what: str) -> None:
    if not roles.has_role(user, roles.OFFICER):
        raise ValidationError(f"Only an officer (the clerk) {what}.")


def _open_check(meeting: Meeting) -> None:
    """Circulated, proposed and decided only while the held meeting's minutes are not approved."""
    if meeting.minutes_signed_at is not None or meeting.status == Meeting.Status.MINUTES_APPROVED:
        raise ValidationError(NOT_AFTER_APPROVAL.format(meeting=meeting), code="approved")
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(
            f"Draft minutes exist once the meeting is held: {meeting} is {meeting.get_status_display().lower()}.",
            code="not_held",
        )


def _locked_meeting(meeting_id: int) -> Meeting:
    """The one lock order of every write of the record (minuting._locked_meeting): the committee, the meeting,
    then the record's rows. Taking the minute first here deadlocked against the clerk's minute_save."""
    return minuting_locked_meeting(meeting_id)


@transaction.atomic
def minutes_circulate(*, meeting: Meeting, user: User) -> Circulation:
    """Circulate `meeting`'s draft minutes to those who attended: sets minutes_circulated_at (again on a second
    circulation) and e-mails each attendee who has an account, on commit (meetings/notify.py). Refused when the
    minutes are signed, the meeting not held, there are no minutes, or `user` is not an officer."""
    _officer_check(user, "circulates draft minutes")
    meeting = _locked_meeting(meeting.pk)
    _open_check(meeting)
    if not meeting.minutes.exists():
        raise ValidationError("There are no minutes to circulate yet: write them first.")
    again = meeting.minutes_circulated_at is not None
    meeting.minutes_circulated_at = timezone.now()
    meeting.save(update_fields=["minutes_circulated_at"])
    return Circulation(meeting=meeting, again=again, addressed=notify.minutes_circulated(meeting))


def same_text(a: str, b: str) -> bool:
    """Equal but for line endings and spaces at the ends of lines or of the whole text."""

    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))

    return norm(a) == norm(b)


NOT_ATTENDED = (
    "Only those who attended the meeting propose amendments to its minutes: you are not recorded as present, "
    "substituting, also present or in attendance."
)


def proposal_check(*, meeting: Meeting, user: User) -> None:
    """Raise ValidationError unless `user` may propose amendments to `meeting`'s minutes now: circulated, not
    approved, and `user` recorded as attending (access.attended)."""
    _open_check(meeting)
    if meeting.minutes_circulated_at is None:
        raise ValidationError(
            "These draft minutes have not been circulated yet: amendments are proposed once the clerk circulates "
            "them to those who attended."
        )
    if not access.attended(user, meeting):
        raise ValidationError(NOT_ATTENDED, code="not_attended")


@transaction.atomic
def amendment_propose(*, minute: Minute, user: User, proposed_text: str, note: str = "") -> MinuteAmendment:
    """Propose `proposed_text` as the wording of `minute`, saying why (`note`); kept with the minute's text as it
    stood (based_on_text) and the proposer's name as it stands. The contact officer is told (on commit).

    Refused: the minutes approved or signed; not circulated; `user` not recorded as attending the meeting; a
    minute `user` may not read (a restricted or DHR item they are not entitled to); no wording, or the wording
    the minute has now."""
    # The committee, the meeting, then the minute: the order minuting.minute_save takes them (never a deadlock).
    meeting = _locked_meeting(Minute.objects.values_list("meeting_id", flat=True).get(pk=minute.pk))
    minute = Minute.objects.select_for_update(of=("self",)).select_related("item").get(pk=minute.pk)
    proposal_check(meeting=meeting, user=user)
    if not Minute.objects.visible_to(user).filter(pk=minute.pk).exists():
        raise ValidationError("You may not read this minute, so you cannot propose an amendment to it.")
    if not (proposed_text or "").strip():
        raise ValidationError({"proposed_text": "Enter the wording you propose for the minute"})
    if same_text(proposed_text, minute.text):
        raise ValidationError(
            {"proposed_text": "The proposed wording is the minute's wording now: change it to propose an amendment"}
        )
    amendment = MinuteAmendment(
        minute=minute,
        proposed_by=user,
        proposer_name=user.person.display_name,
        based_on_text=minute.text,
        proposed_text=proposed_text,
        note=(note or "").strip(),
    )
    amendment.full_clean()
    amendment.save()
    notify.amendment_proposed(amendment)
    return amendment


@transaction.atomic
def amendment_decide(
    *, amendment: MinuteAmendment, user: User, accept: bool, reason: str, by_hand: bool = False
) -> MinuteAmendment:
    """Accept or reject a proposed amendment, with a reason; the proposer is told (on commit).

    Accepting puts the proposed wording into the minute (minuting.minute_save: printed form recomputed, in the
    minute's history). If the minute's text has changed since the proposal, accepting is refused (the proposal
    would overwrite that change) unless the minute already reads as proposed: the clerk edits the minute by hand
    and then accepts with `by_hand=True` (the text is left as it is) or rejects, saying so in the reason.
    Refused too: a proposal already decided; the minutes approved or signed; no reason; `user` not an officer."""
    _officer_check(user, "accepts or rejects amendments")
    meeting_id = MinuteAmendment.objects.values_list("minute__meeting_id", flat=True).get(pk=amendment.pk)
    meeting = _locked_meeting(meeting_id)  # the committee and the meeting first, then the rows (one lock order)
    minute_id = MinuteAmendment.objects.values_list("minute_id", flat=True).get(pk=amendment.pk)
    minute = Minute.objects.select_for_update().get(pk=minute_id)
    amendment = MinuteAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != MinuteAmendment.Status.PROPOSED:
        decided = f"{timezone.localtime(amendment.decided_at):%-d %B %Y}" if amendment.decided_at else ""
        raise ValidationError(
            f"This amendment was already {amendment.get_status_display().lower()}"
            + (f" on {decided}" if decided else "")
            + ": each proposal is decided once."
        )
    _open_check(meeting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for accepting or rejecting the amendment"})
    changed = not same_text(minute.text, amendment.based_on_text)
    reads_as_proposed = same_text(minute.text, amendment.proposed_text)
    if accept and by_hand and not changed:
        raise ValidationError(
            "The minute has not changed since the amendment was proposed: accept it to put the proposed wording in."
        )
    if accept and not by_hand and changed and not reads_as_proposed:
        raise ValidationError(
            f"Minute {minute.number} has changed since this amendment was proposed, so its proposed wording would "
            "undo that change. Edit the minute by hand to include what you accept, then accept the proposal "
            "(choosing that you edited the minute by hand) or reject it, saying so in the reason."
        )
    if accept and not by_hand and not reads_as_proposed:
        minute.text = amendment.proposed_text
        minuting.minute_save(minute=minute)
    amendment.status = MinuteAmendment.Status.ACCEPTED if accept else MinuteAmendment.Status.REJECTED
    amendment.decided_by, amendment.decided_at, amendment.decision_reason = user, timezone.now(), reason
    amendment.save()
    notify.amendment_decided(amendment)
    return amendment


WORD = re.compile(r"\s+|[^\s]+")


def wording_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from `before` to `after` word by word, as (op, text) pieces to show: op is "same", "del" or
    "ins"; white space is kept, so the pieces joined without the deletions give `after`."""
    old, new = WORD.findall(before or ""), WORD.findall(after or "")
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("del", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("ins", "".join(new[j1:j2])))
    return pieces


def amendments_attach(records: list[dict], meeting: Meeting, user: User) -> None:
    """Put the amendments proposed to the minutes of `records` (minutes_records(meeting, user): only parts the user
    may read) on them, each as {"amendment": MinuteAmendment, "diff": wording_diff(...)}.

    Draft minutes: under each minute ("amendments"), for officers, chairs and those who attended, with
    "may_propose" on each minute for an attendee while proposals are open (proposal_check). Signed minutes: on
    each record ("amendments", with their minute's number), not part of the frozen content: every proposal to
    officers, chairs and those who attended; to other readers only the accepted ones (a proposal is often rejected
    because its wording must not be on the record, a name for instance, so it is never published)."""
    signed = meeting.minutes_signed_at is not None
    attendee = access.attended(user, meeting)
    insider = access.is_staff(user) or attendee
    shown = signed or insider
    try:
        proposal_check(meeting=meeting, user=user)
        may_propose = True
    except ValidationError:
        may_propose = False
    ids = [minute["id"] for record in records for minute in record["minutes"]]
    by_minute: dict[int, list[dict]] = {}
    if shown and ids:
        amendments = MinuteAmendment.objects.filter(minute_id__in=ids)
        if not insider:
            amendments = amendments.filter(status=MinuteAmendment.Status.ACCEPTED)
        for amendment in amendments.order_by("proposed_at", "pk"):
            by_minute.setdefault(amendment.minute_id, []).append(
                {"amendment": amendment, "diff": wording_diff(amendment.based_on_text, amendment.proposed_text)}
            )
    for record in records:
        record["amendments"] = []
        for minute in record["minutes"]:
            entries = by_minute.get(minute["id"], [])
            minute["may_propose"] = may_propose and not signed
            if signed:
                minute["amendments"] = []
                record["amendments"] += [{**entry, "number": minute["number"]} for entry in entries]
            else:
                minute["amendments"] = entries
