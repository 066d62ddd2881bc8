"""The one disposal service: `record_dispose(candidate, approver)` deletes or anonymises one approved record.

Called only by the `disposal_run` task (kcsp.governance.tasks) after the data protection officer approved a batch
(kcsp.governance.lists.disposal_approve). In one transaction, with the candidate's row locked: a record under
an active legal hold is not touched (status HELD); otherwise its record type's `dispose` removes it as the rule
says (with its files, pack caches, search documents and history rows: kcsp.governance.record_types), and a
DisposalRecord is written that holds no personal data: the candidate's label (a title or a pseudonym), the rule
as it stood, the approver's user name and the counts. A refusal (DisposalRefused, for example signed minutes
that anonymisation may not rewrite) leaves the record as it was, status FAILED with the reason as the note.

The DHR access log is append-only by a database trigger (dhr migrations 0002, 0005 and 0006); the trigger lets a
DELETE through only while `kcsp.disposal` names an approved DHR disposal candidate, which this module sets
(set_config, local to the transaction) for DHR record types to the candidate it is disposing of, and empties as
soon as the record type's `dispose` returns.
"""

import contextlib
import logging

from django.db import connection, transaction
from django.utils import timezone

from . import record_types
from .models import DisposalCandidate, DisposalRecord, LegalHold, RetentionRule
from .record_types import DisposalRefused

logger = logging.getLogger(__name__)
RULE_SOURCE_CHARS = 120  # characters of the rule's source kept in a disposal record
NOTE_CHARS = 300


@contextlib.contextmanager
def dhr_log_disposal(candidate: DisposalCandidate):
    """Let the DHR access-log trigger allow DELETE inside this block for `candidate`, an approved DHR disposal
    candidate (PostgreSQL; nothing on SQLite): dhr migration 0006 lets a DELETE through only while `kcsp.disposal`
    names such a candidate.

    Use it inside its own transaction or savepoint (`transaction.atomic()`): the setting is local to it. On the
    way out it is emptied, so nothing later in the same transaction (a caller's, a test's) may delete log rows;
    when the block raises, the savepoint's rollback undoes the setting with everything else (a failed statement
    leaves PostgreSQL refusing any other until then, so it is not reset by hand)."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("dhr_log_disposal must run inside the disposal's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kcsp.disposal', %s, true)", [str(candidate.pk)])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kcsp.disposal', '', true)")


def rule_text(rule: RetentionRule) -> str:
    """The rule as a disposal record keeps it: "6 years from the date of the meeting; delete; <source, 120
    characters>"."""
    trigger = str(rule.get_trigger_display())
    trigger = trigger[:1].lower() + trigger[1:]
    source = " ".join(rule.source.split())
    if len(source) > RULE_SOURCE_CHARS:
        source = source[: RULE_SOURCE_CHARS - 1] + "…"
    return f"{rule.period_text} from {trigger}; {str(rule.get_action_display()).lower()}; {source}"[:300]


def _finish(candidate: DisposalCandidate, status: str, note: str = "") -> DisposalCandidate:
    candidate.status, candidate.note = status, note[:NOTE_CHARS]
    candidate.save(update_fields=["status", "note"])
    return candidate


@transaction.atomic
def record_dispose(candidate: DisposalCandidate, approver) -> DisposalCandidate:
    """Dispose of one approved candidate; returns it with its new status.

    DISPOSED (a DisposalRecord written), HELD (an active legal hold: nothing removed), FAILED (the record type
    refused, or no app declares it: nothing removed, the reason in `note`). A candidate no longer APPROVED
    (already disposed of, kept) is returned unchanged."""
    candidate = DisposalCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != DisposalCandidate.Status.APPROVED:
        return candidate
    hold = LegalHold.objects.filter(
        record_type=candidate.record_type, object_id=candidate.object_id, lifted_at__isnull=True
    ).exists()
    if hold:
        return _finish(candidate, DisposalCandidate.Status.HELD, "A legal hold was placed: nothing was removed")
    try:
        declared = record_types.record_type(candidate.record_type)
    except KeyError:
        return _finish(candidate, DisposalCandidate.Status.FAILED, "No part of the system declares this record type")
    rule = RetentionRule.objects.get(record_type=candidate.record_type)
    is_dhr = declared.is_dhr or candidate.is_dhr
    action = declared.approved_action(candidate.action)  # a "review" rule's record: the DPO decided to dispose of it
    try:
        # the savepoint: a refusal undoes whatever the record type had done
        with transaction.atomic(), dhr_log_disposal(candidate) if is_dhr else contextlib.nullcontext():
            disposed = declared.dispose(candidate.object_id, action)
    except DisposalRefused as refused:
        return _finish(candidate, DisposalCandidate.Status.FAILED, str(refused))
    DisposalRecord.objects.create(
        record_type=candidate.record_type,
        object_id=candidate.object_id,
        label=candidate.label,
        action=action,
        rule=rule_text(rule),
        approved_by=approver.get_username() if approver is not None else "",
        approved_at=candidate.decided_at or timezone.now(),
        files_removed=disposed.files_removed,
        history_rows_removed=disposed.history_rows_removed,
        search_documents_removed=disposed.search_documents_removed,
        is_dhr=is_dhr,
    )
    return _finish(candidate, DisposalCandidate.Status.DISPOSED)


def candidates_dispose(candidate_ids: list[int], approver) -> dict[str, int]:
    """Dispose of each candidate in its own transaction; one that fails unexpectedly is marked FAILED (logged)
    and the rest go on. Returns {status: count}."""
    counts: dict[str, int] = {}
    for candidate in DisposalCandidate.objects.filter(pk__in=candidate_ids).order_by("pk"):
        try:
            status = record_dispose(candidate, approver).status
        except Exception:  # one record's error must not stop the batch; the DPO sees it failed
            logger.exception("Disposal of candidate %s failed", candidate.pk)
            with transaction.atomic():
                fresh = DisposalCandidate.objects.select_for_update().get(pk=candidate.pk)
                if fresh.status == DisposalCandidate.Status.APPROVED:
                    _finish(fresh, DisposalCandidate.Status.FAILED, "Disposal failed with an error: see the logs")
            status = DisposalCandidate.Status.FAILED
        counts[status] = counts.get(status, 0) + 1
    return counts
