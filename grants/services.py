"""Multi-step writes for the grant: bids moving through the workflow under the budget guards, and the year's close."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kcsp.models import User

from . import notify
from .budget import pot_figures
from .models import ZERO, Bid, BidAttachment, BidStep, GrantYear, Pot
from .workflow import STEPS, Step


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


# What a partner may change in a draft: never its status, number, money drawn or outcomes.
DRAFT_FIELDS = [
    "title",
    "description",
    "applicant_organisation",
    "contact_name",
    "contact_email",
    "priority",
    "plan_item",
    "amount_requested",
    "total_cost",
    "match_funding",
    "match_funding_source",
    "pot",
]


@transaction.atomic
def bid_save(*, bid: Bid, user: User) -> Bid:
    """New bids are numbered per year under a lock on the year. A draft is changed under a lock on its row
    and only in its own fields, so a submission made meanwhile is neither undone nor bypassed."""
    if bid.pk is None:
        GrantYear.objects.select_for_update().get(pk=bid.grant_year_id)
        last = Bid.objects.filter(grant_year_id=bid.grant_year_id).aggregate(last=Max("number"))["last"]
        bid.number = (last or 0) + 1
        bid.created_by = user
        bid.full_clean()
        bid.save()
        return bid
    current = Bid.objects.select_for_update().get(pk=bid.pk)
    if current.status != Bid.Status.DRAFT:
        raise ValidationError("Only a draft bid can be changed: this bid has been submitted.")
    bid.status = current.status
    bid.full_clean()
    bid.save(update_fields=[*DRAFT_FIELDS, "updated_at"])
    return bid


YEAR_FIELDS = ["amount_granted", "has_tactical_pot", "commissioner_step", "tactical_pot", "refunds_received"]


@transaction.atomic
def year_create(*, year: GrantYear) -> GrantYear:
    """A new grant year as the round is run: one pot or the up-front/tactical split, the chair's approval
    final or the Commissioner's after it. A one-pot year holds no tactical pot (GrantYear.clean)."""
    if not year.has_tactical_pot:
        year.tactical_pot, year.tactical_locked, year.tactical_locked_reason = ZERO, False, ""
    year.full_clean()
    year.save()
    return year


def _round_shape_guard(*, current: GrantYear, year: GrantYear) -> None:
    """How the round is run may change only while no bid depends on the old shape."""
    if current.has_tactical_pot and not year.has_tactical_pot:
        in_tactical = current.bids.filter(pot=Pot.TACTICAL).count()
        if in_tactical:
            raise ValidationError(
                f"{in_tactical} bid{'s are' if in_tactical != 1 else ' is'} in the tactical pot: "
                "the grant can be held in one pot only when no bid is in the tactical pot."
            )
    if (
        current.commissioner_step != year.commissioner_step
        and current.bids.filter(steps__to_status=Bid.Status.APPROVED).exists()
    ):
        raise ValidationError(
            "The chair has already approved bids this year: whether the Commissioner gives final approval "
            "can no longer change."
        )


@transaction.atomic
def year_figures_save(*, year: GrantYear) -> GrantYear:
    """The year's money and the shape of its round change under the same lock as decisions, never below
    what is approved, and never once the year is closed (its under-spend is settled)."""
    from .budget import pot_figures

    current = GrantYear.objects.select_for_update().get(pk=year.pk)
    if current.is_closed:
        raise ValidationError(f"The {current.label} grant year is closed: its figures can no longer change.")
    _round_shape_guard(current=current, year=year)
    if not year.has_tactical_pot:
        year.tactical_pot, year.tactical_locked, year.tactical_locked_reason = ZERO, False, ""
    for pot, figures in pot_figures(current).items():
        if year.pot_size(pot) < figures.drawn:
            raise ValidationError(
                f"The {figures.label.lower()} would hold £{year.pot_size(pot):,.2f}, less than the "
                f"£{figures.drawn:,.2f} already approved from it."
            )
    year.full_clean()
    year.save(update_fields=[*YEAR_FIELDS, "rolled_over", "tactical_locked", "tactical_locked_reason"])
    return year


def _budget_guard(*, bid: Bid, year: GrantYear, guard: str) -> None:
    """Refuse a draw that would take the pot past what is left, saying the figures."""
    if bid.pot not in year.pots:
        raise ValidationError(
            f"The {year.label} grant is held in one pot: {bid.reference} cannot draw on a tactical pot."
        )
    figures = pot_figures(year, exclude=bid)[bid.pot]
    pot_name = Pot(bid.pot).label.lower()
    if figures.locked:
        raise ValidationError(
            f"The tactical pot is locked ({year.tactical_locked_reason or 'access closed by the Commissioner'}): "
            "nothing more can be drawn from it."
        )
    committed = figures.drawn if guard == "approve" else figures.allocated
    left = figures.size - committed
    if bid.amount_requested > left:
        what = "approved" if guard == "approve" else "approved or recommended"
        raise ValidationError(
            f"{bid.reference} asks for {_money(bid.amount_requested)} from the {pot_name}, "
            f"but only {_money(left)} is left: {_money(figures.size)} in the pot, "
            f"{_money(committed)} already {what}."
        )


def _mark_plan_item_grant_funded(bid: Bid) -> None:
    """A funded bid (approved at its year's last step) shows in purple on the action plan: its item in the
    current draft is marked."""
    from agreement.models import PlanItem, PlanVersion

    if bid.plan_item_id is None:
        return
    items = PlanItem.objects.filter(key=bid.plan_item.key, version__status=PlanVersion.Status.DRAFT, grant_funded=False)
    for item in items.select_for_update(of=("self",)):
        item.grant_funded = True
        item.revision += 1
        item.save(update_fields=["grant_funded", "revision", "updated_at"])


@transaction.atomic
def bid_step(
    *,
    bid: Bid,
    action: str,
    user: User,
    reason: str = "",
    actual_spend: Decimal | None = None,
    outcomes: str = "",
    decided_at_minute=None,
    decided_on=None,
) -> Bid:
    """Move a bid one step, recording who, when and why. The year row is locked first so two
    decisions on the same year are taken one after the other and cannot overspend a pot together.
    `decided_on` (a date, optional) is the date a step entered after the event was really taken
    (step_date_check's rules); the step's `at` stays the time it was recorded."""
    step: Step | None = STEPS.get(action)
    if step is None:
        raise ValidationError("That is not a step a bid can take.")
    year = GrantYear.objects.select_for_update().get(pk=bid.grant_year_id)
    bid = Bid.objects.select_for_update().select_related("grant_year").get(pk=bid.pk)
    if not user.has_perm(step.permission, bid):
        raise PermissionDenied
    if not step.sources_for(year):
        raise ValidationError(f"The {year.label} round ends at the chair's approval: it has no step '{step.label}'.")
    if bid.status not in step.sources_for(year):
        raise ValidationError(
            f"{bid.reference} is '{bid.get_status_display()}', so it cannot be moved to "
            f"'{Bid.Status(step.target).label}'."
        )
    if year.is_closed:
        raise ValidationError(f"The {year.label} grant year is closed: its bids can no longer change.")
    reason = reason.strip()
    if step.reason_required and not reason:
        raise ValidationError(f"Enter {step.reason_label[0].lower()}{step.reason_label[1:]}.")
    if step.check_budget:
        _budget_guard(bid=bid, year=year, guard=step.check_budget)
    if step.target == Bid.Status.COMPLETED:
        if actual_spend is None:
            raise ValidationError("Enter the actual spend.")
        if actual_spend < ZERO or actual_spend > bid.amount_requested:
            raise ValidationError(
                f"The actual spend must be between £0.00 and the {_money(bid.amount_requested)} approved."
            )
        if not outcomes.strip():
            raise ValidationError("Enter the outcomes, for example '55 people trained'.")
        bid.actual_spend, bid.outcomes = actual_spend, outcomes.strip()
    if decided_on is not None:
        step_date_check(bid=bid, step=step, user=user, decided_on=decided_on)
    if decided_at_minute is not None:
        if not user.has_perm("grants.manage_grant"):
            raise PermissionDenied
        _check_minute(bid=bid, minute=decided_at_minute, user=user)
        bid.decided_at_minute = decided_at_minute
    BidStep.objects.create(
        bid=bid,
        from_status=bid.status,
        to_status=step.target,
        by=user,
        at=timezone.now(),
        decided_on=decided_on,
        reason=reason,
    )
    bid.status = step.target
    bid.save()
    if step.target == year.deciding_status:  # funded now, under the year's own rule (GrantYear.funded_statuses)
        _mark_plan_item_grant_funded(bid)
    if step.target == Bid.Status.RECOMMENDED:
        notify.chair_bids_awaiting(bid)
    if step.notify_applicant:
        notify.applicant_bid_decided(bid, step, reason)
    return bid


def step_date_check(*, bid: Bid, step: Step, user: User, decided_on) -> None:
    """The rules of a step's "really taken on" date (BidStep.decided_on), else ValidationError naming the rule:
    only steps with a date (Step.dated: submit and the deciding steps); a submission's only by an officer (one
    entering a past round); never in the future; a decision never before the bid was submitted (the submission
    step's own date when given, else the UK date it was recorded)."""
    what = step.dated.split(" (")[0].lower() if step.dated else ""
    if not step.dated:
        raise ValidationError(f"'{step.label}' has no date to give: it is recorded as taken now.")
    if step.action == "submit" and not user.has_perm("grants.manage_grant"):
        raise ValidationError("Only an officer entering a past round gives the date a bid was submitted.")
    if decided_on > timezone.localdate():
        raise ValidationError(f"The {what} must be today or in the past")
    if step.action != "submit":
        submitted = bid.steps.filter(to_status=Bid.Status.SUBMITTED).order_by("-at").first()
        if submitted is not None and decided_on < submitted.taken_on:
            raise ValidationError(f"The {what} cannot be before the bid was submitted ({submitted.taken_on:%-d %B %Y})")


CHAIR_DECISIONS = (Bid.Status.APPROVED, Bid.Status.REJECTED)


def _check_minute(*, bid: Bid, minute, user: User) -> None:
    from .selectors import decision_minutes

    if minute is None:
        return
    if not decision_minutes(user).filter(pk=minute.pk).exists():
        raise ValidationError("Choose a minute of the partnership's meetings that you may read.")


@transaction.atomic
def bid_minute_record(*, bid: Bid, minute, user: User) -> Bid:
    """Link a decided bid to the minute and resolution that decided it (None clears the link). Officers only;
    the bid must carry the chair's decision; the minute must be one the officer may read (selectors)."""
    if not user.has_perm("grants.manage_grant"):
        raise PermissionDenied
    bid = Bid.objects.select_for_update().select_related("grant_year").get(pk=bid.pk)
    if minute is not None and not bid.steps.filter(to_status__in=CHAIR_DECISIONS).exists():
        raise ValidationError(
            f"{bid.reference} has no decision from the chair yet: link the minute once the bid is decided."
        )
    _check_minute(bid=bid, minute=minute, user=user)
    bid.decided_at_minute = minute
    bid.save(update_fields=["decided_at_minute", "updated_at"])
    return bid


@transaction.atomic
def attachment_add(*, bid: Bid, user: User, title: str, file, original_name: str, file_kind: str) -> BidAttachment:
    if bid.status not in (Bid.Status.DRAFT, Bid.Status.SUBMITTED):
        raise ValidationError("Attachments can be added until the working group has reviewed the bid.")
    return BidAttachment.objects.create(
        bid=bid, title=title, file=file, original_name=original_name, file_kind=file_kind, uploaded_by=user
    )


@transaction.atomic
def tactical_pot_lock(*, year: GrantYear, locked: bool, reason: str = "") -> GrantYear:
    """Close or reopen access to the tactical pot, as the Commissioner decides; a one-pot year has none."""
    year = GrantYear.objects.select_for_update().get(pk=year.pk)
    if not year.has_tactical_pot:
        raise ValidationError(f"The {year.label} grant is held in one pot: it has no tactical pot to lock.")
    if locked and not reason.strip():
        raise ValidationError("Enter why the tactical pot is locked.")
    year.tactical_locked, year.tactical_locked_reason = locked, reason.strip() if locked else ""
    year.save()
    return year


OPEN_STATUSES = (
    Bid.Status.SUBMITTED,
    Bid.Status.RECOMMENDED,
    Bid.Status.APPROVED,
    Bid.Status.WITH_COMMISSIONER,
    Bid.Status.COMMISSIONER_APPROVED,
    Bid.Status.IN_DELIVERY,
)


@transaction.atomic
def year_close(*, year: GrantYear, on=None) -> GrantYear:
    """At year end what was not spent goes back to the Commissioner; open bids must be settled first."""
    year = GrantYear.objects.select_for_update().get(pk=year.pk)
    if year.is_closed:
        raise ValidationError(f"The {year.label} grant year is already closed.")
    still_open = year.bids.filter(status__in=OPEN_STATUSES).count()
    if still_open:
        decision = "the Commissioner's decision" if year.commissioner_step else "the chair's decision"
        raise ValidationError(
            f"{still_open} bid{'s are' if still_open != 1 else ' is'} still open: "
            f"record completion, {decision} or withdrawal first."
        )
    spent = sum((bid.actual_spend for bid in year.bids.filter(status=Bid.Status.COMPLETED)), ZERO)
    year.returned_unspent = sum((year.pot_size(pot) for pot in year.pots), ZERO) - spent
    year.closed_on = on or timezone.localdate()
    year.save()
    return year
