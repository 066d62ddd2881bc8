"""Monthly disposal lists and the data protection officer's decisions on them.

`disposal_list_make(as_of)` (the monthly beat task, or the DPO's "Make a list now") lists the records past their
period; `disposal_approve(user, candidates)` approves a batch and queues the disposal (kcsp.governance.disposal);
`candidate_keep(user, candidate, note)` keeps one after review. Issue 20, "Retention and disposal".
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kcsp.queueing import send
from kcsp.roles import dpo_sees_dhr

from . import record_types
from .models import Action, DisposalCandidate, DisposalList, LegalHold, RetentionRule

Status = DisposalCandidate.Status
# A record whose candidate reached one of these is never listed again: decided, or still waiting on a list.
SETTLED = (Status.LISTED, Status.APPROVED, Status.DISPOSED, Status.KEPT)
NOTE_LENGTH = 300


@transaction.atomic
def disposal_list_make(as_of: datetime.date) -> DisposalList:
    """A new DisposalList of every record past its period on `as_of` (the rules' periods counted to that day).

    For each declared record type (kcsp.governance.record_types) whose rule's action is not keep permanently,
    its `due(rule, as_of)` rows become candidates with the rule's action, except rows under an active legal hold
    and rows already waiting on, approved on, disposed of from or kept on an earlier list. Rows held at disposal
    or whose disposal failed are listed again. The list is made even when empty (the DPO sees that nothing was
    due). Sends no mail."""
    disposal_list = DisposalList.objects.create(as_of=as_of)
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    candidates = []
    for declared in record_types.record_types():
        rule = rules.get(declared.key)
        if rule is None or rule.action == Action.KEEP or rule.period_months is None:
            continue
        held = set(
            LegalHold.objects.filter(record_type=declared.key, lifted_at__isnull=True).values_list(
                "object_id", flat=True
            )
        )
        settled = set(
            DisposalCandidate.objects.filter(record_type=declared.key, status__in=SETTLED).values_list(
                "object_id", flat=True
            )
        )
        seen = set()
        for due in declared.due(rule, as_of):
            if due.object_id in held or due.object_id in settled or due.object_id in seen:
                continue
            seen.add(due.object_id)
            candidates.append(
                DisposalCandidate(
                    disposal_list=disposal_list,
                    record_type=declared.key,
                    object_id=due.object_id,
                    label=str(due.label)[:300],
                    due_on=due.due_on,
                    action=rule.action,
                    is_dhr=due.is_dhr or declared.is_dhr,
                )
            )
    DisposalCandidate.objects.bulk_create(candidates)  # no history rows: a candidate's history starts at a decision
    return disposal_list


def _may_review(user, candidate: DisposalCandidate) -> bool:
    return user.has_perm("governance.review_disposal") and (not candidate.is_dhr or dpo_sees_dhr(user))


def _waiting(user, candidates, disposal_list: DisposalList | None) -> list[DisposalCandidate]:
    """The candidates locked, each still waiting for review on `disposal_list` and reviewable by `user`; a
    ValidationError names the first that is not (a stale form), nothing changed."""
    if not user.has_perm("governance.review_disposal"):
        raise PermissionDenied("Only the data protection officer reviews disposal lists")
    ids = sorted({candidate.pk for candidate in candidates})
    if not ids:
        raise ValidationError("Select at least one record")
    locked = list(DisposalCandidate.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise ValidationError("A record you selected is no longer on this list: reload the list and try again")
    for candidate in locked:
        if disposal_list is not None and candidate.disposal_list_id != disposal_list.pk:
            raise ValidationError("A record you selected is not on this list: reload the list and try again")
        if not _may_review(user, candidate):
            raise PermissionDenied("DHR records are reviewed only by a DHR-cleared data protection officer")
        if candidate.status != Status.LISTED:
            raise ValidationError(
                f"{candidate.label} is no longer waiting for review (it is now “{candidate.get_status_display()}”): "
                "reload the list and try again"
            )
    return locked


@transaction.atomic
def disposal_approve(user, candidates, disposal_list: DisposalList | None = None) -> list[DisposalCandidate]:
    """Approve a batch: each candidate (still waiting, on `disposal_list` when given) becomes APPROVED by `user`,
    and once committed the `disposal_run` task (default queue) disposes of each (record_dispose).

    Raises ValidationError (a stale form: a candidate no longer waiting or not on the list; nothing changed) or
    PermissionDenied (not the DPO, or a DHR candidate and the user does not see DHR)."""
    from .tasks import disposal_run

    locked = _waiting(user, candidates, disposal_list)
    now = timezone.now()
    for candidate in locked:
        candidate.status, candidate.decided_by, candidate.decided_at = Status.APPROVED, user, now
        candidate._history_user = user
        candidate.save(update_fields=["status", "decided_by", "decided_at"])
    ids = [candidate.pk for candidate in locked]
    transaction.on_commit(lambda: send(disposal_run, (ids, user.pk)))
    return locked


@transaction.atomic
def candidate_keep(user, candidate: DisposalCandidate, note: str) -> DisposalCandidate:
    """Keep one candidate after review, with a note saying why (required, up to 300 characters); it is never
    listed again. Raises ValidationError or PermissionDenied as disposal_approve."""
    note = " ".join((note or "").split())
    if not note:
        raise ValidationError({"note": "Enter why the record is kept"})
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": f"Note must be {NOTE_LENGTH} characters or fewer"})
    (candidate,) = _waiting(user, [candidate], None)
    candidate.status, candidate.decided_by, candidate.decided_at = Status.KEPT, user, timezone.now()
    candidate.note = note
    candidate._history_user = user
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return candidate


RESEND_AFTER = datetime.timedelta(minutes=15)  # an approved batch not disposed of by then is sent again


def approved_resend(*, older_than: datetime.timedelta = RESEND_AFTER) -> int:
    """Send `disposal_run` again for every candidate approved more than `older_than` ago and still APPROVED: the
    broker never got the approval's message (it was down: kcsp.queueing.send logs and returns False) or the
    worker died holding it. Without this such records stayed "Approved" for ever and, being settled, were never
    listed again. Safe to repeat: record_dispose locks the candidate and skips any no longer APPROVED. One
    message per approver. Returns the number of candidates sent. Sends no mail."""
    from .tasks import disposal_run

    stale = DisposalCandidate.objects.filter(status=Status.APPROVED, decided_at__lte=timezone.now() - older_than)
    by_approver: dict[int | None, list[int]] = {}
    for pk, approver_id in stale.order_by("pk").values_list("pk", "decided_by_id"):
        by_approver.setdefault(approver_id, []).append(pk)
    return sum(len(ids) for approver_id, ids in by_approver.items() if send(disposal_run, (ids, approver_id)))


def waiting_count(user) -> int:
    """Candidates waiting for this user's review (DHR ones only for a DPO who sees DHR); 0 for anyone else."""
    if not user.has_perm("governance.review_disposal"):
        return 0
    waiting = DisposalCandidate.objects.filter(status=Status.LISTED)
    if not dpo_sees_dhr(user):
        waiting = waiting.filter(is_dhr=False)
    return waiting.count()
