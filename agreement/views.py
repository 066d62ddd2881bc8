"""Pages of the agreement and its action plan: everyone reads the published plan, officers edit drafts."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, TemplateView, UpdateView

from grants.selectors import bids_for_plan_item
from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.locking import RecordLockMixin
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import ConfirmActionView, FormPageMixin

from . import exports, imports, plan_view, selectors, services
from .forms import PlanImportForm, PlanItemForm, ProgressUpdateForm
from .history import item_history
from .models import ActionPlan, Agreement, Indicator, PlanItem, PlanVersion


class EditorMixin(RolePermissionMixin):
    permission_required = "agreement.edit_plan"


def visible_versions(user):
    return PlanVersion.objects.visible_to(user).select_related("plan__agreement")


def visible_items(user):
    return PlanItem.objects.visible_to(user).select_related("version__plan__agreement", "priority")


class AgreementListView(ListView):
    template_name = "agreement/agreement_list.html"

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user)


class AgreementDetailView(DetailView):
    template_name = "agreement/agreement_detail.html"
    slug_field = slug_url_kwarg = "year"

    def get_queryset(self):
        return (
            AgreementListView(request=self.request)
            .get_queryset()
            .prefetch_related("priorities__lead_organisation", "themes")
        )

    def get_context_data(self, **kwargs):
        agreement = self.object
        plan = ActionPlan.objects.filter(agreement=agreement).first()
        return super().get_context_data(
            changes=agreement.changes_from_previous(),
            indicators=Indicator.objects.filter(priority__agreement=agreement).select_related("priority"),
            plan=plan,
            versions=plan.versions.visible_to(self.request.user) if plan else [],
            can_edit=self.request.user.has_perm("agreement.edit_plan"),
            can_start_draft=bool(plan) and not plan.versions.filter(status=PlanVersion.Status.DRAFT).exists(),
            **kwargs,
        )


class VersionDetailView(DetailView):
    template_name = "agreement/version_detail.html"
    context_object_name = "version"

    def get_queryset(self):
        return visible_versions(self.request.user)

    def get_context_data(self, **kwargs):
        """The plan as `plan_view.plan_page` reads it for this reader and query string (filters, counts, chart):
        `page`, built lazily, only when the page's body is not in the fragment cache (templates/agreement/
        version_detail.html), which is keyed on the version, the filters and view read from the query string, and
        today's date (items become overdue as days pass), as well as the reader's rights."""
        version, user, params = self.object, self.request.user, self.request.GET
        today = timezone.localdate()
        return super().get_context_data(
            page=SimpleLazyObject(lambda: plan_view.plan_page(version, user, params, today=today)),
            plan_vary=plan_view.fragment_vary(params, today, version, user),
            summary=version.plan.layout == ActionPlan.Layout.SUMMARY,
            rags=plan_view.RAGS,
            can_edit=user.has_perm("agreement.edit_plan") and not version.is_frozen,
            settings_open=not version.is_frozen and not version.plan.versions.published().exists(),
            **kwargs,
        )


class ItemDetailView(DetailView):
    template_name = "agreement/item_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        return (
            visible_items(self.request.user)
            .select_related("priority__lead_organisation")
            .prefetch_related("lead_organisations", "themes")
        )

    def get_context_data(self, **kwargs):
        user, item = self.request.user, self.object
        internal = user.has_perm("agreement.view_internal_progress")
        history = item_history(item) if internal else []
        return super().get_context_data(
            summary=item.version.plan.layout == ActionPlan.Layout.SUMMARY,
            no_priority_label=PlanItem.NO_PRIORITY,
            updates=selectors.updates_for(item, user),
            history=history,
            can_edit=user.has_perm("agreement.edit_plan") and not item.version.is_frozen,
            can_update=user.has_perm("agreement.edit_plan"),
            item_bids=bids_for_plan_item(item, user),
            **kwargs,
        )


class ItemFormMixin(EditorMixin, FormPageMixin):
    form_class = PlanItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.version}

    def form_valid(self, form):
        item = form.instance
        try:
            services.plan_item_save(
                item=item,
                lock=getattr(self, "record_lock", None),  # the edit page's lock; a new item has none
                lead_organisations=form.cleaned_data.get("lead_organisations"),
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Item {item.number} saved.")
        return redirect(item)

    def get_back_url(self):
        return self.version.get_absolute_url()


class ItemCreateView(ItemFormMixin, CreateView):
    heading = "Add an item to the action plan"

    def load(self, request, **kwargs):
        self.version = get_object_or_404(visible_versions(request.user), pk=kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = PlanItem(version=self.version)
        return kwargs


class ItemEditView(RecordLockMixin, ItemFormMixin, UpdateView):
    heading = "Edit action plan item"
    lock_in_service = True  # after the plan version's lock, as every plan write takes them
    lock_also = ("position", "retired")  # a move or retirement meanwhile is a change too

    def load(self, request, **kwargs):
        self.object = get_object_or_404(visible_items(request.user), pk=kwargs["pk"])
        self.version = self.object.version

    def get_object(self, queryset=None):
        return self.object

    def get_caption(self):
        return f"Item {self.object.number}"


class ItemMoveView(EditorMixin, View):
    def post(self, request, pk, direction):
        item = get_object_or_404(visible_items(request.user), pk=pk)
        try:
            services.plan_item_move(item=item, direction="up" if direction == "up" else "down")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(item.version)


class ItemRetireView(EditorMixin, ConfirmActionView):
    heading = "Retire this item?"
    submit_label = "Retire item"
    explanation = "It leaves the current plan and the items after it are renumbered. Its history and updates are kept."

    def load(self, request, **kwargs):
        self.item = get_object_or_404(visible_items(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return f"Item {self.item.number}"

    def act(self):
        services.plan_item_retire(item=self.item)
        self.success_message = "Item retired and the plan renumbered."

    def get_back_url(self):
        return self.item.get_absolute_url()

    def get_success_url(self):
        return self.item.version.get_absolute_url()


class VersionPublishView(EditorMixin, ConfirmActionView):
    heading = "Publish this draft?"
    submit_label = "Publish"
    explanation = (
        "It becomes the next numbered version, frozen for good. Further changes start a new draft from a copy."
    )

    def load(self, request, **kwargs):
        self.version = get_object_or_404(visible_versions(request.user), pk=kwargs["pk"])

    def act(self):
        published = services.version_publish(version=self.version)
        self.success_message = f"Published as {published.label}."

    def get_back_url(self):
        return self.version.get_absolute_url()

    get_success_url = get_back_url


class NewDraftView(EditorMixin, ConfirmActionView):
    heading = "Start a new draft?"
    submit_label = "Start a new draft"
    explanation = "The draft starts as a copy of the latest published version."

    def load(self, request, **kwargs):
        self.plan = get_object_or_404(ActionPlan.objects.select_related("agreement"), pk=kwargs["pk"])

    def act(self):
        self.draft = services.version_new_draft(plan=self.plan)
        self.success_message = "New draft started."

    def get_back_url(self):
        return self.plan.agreement.get_absolute_url()

    def get_success_url(self):
        draft = getattr(self, "draft", None)
        return draft.get_absolute_url() if draft else self.get_back_url()


class ProgressCreateView(EditorMixin, FormPageMixin, CreateView):
    form_class = ProgressUpdateForm
    heading = "Add a quarterly update"

    def load(self, request, **kwargs):
        self.item = get_object_or_404(visible_items(request.user), pk=kwargs["pk"])

    def get_caption(self):
        return f"Item {self.item.number}"

    def get_back_url(self):
        return self.item.get_absolute_url()

    def form_valid(self, form):
        services.progress_add(item=self.item, user=self.request.user, **form.cleaned_data)
        messages.success(self.request, "Quarterly update added.")
        return redirect(self.item)


class ExceptionReportView(RolePermissionMixin, TemplateView):
    """For the partnership: red and amber items and overdue items (indicator exceptions join them later)."""

    permission_required = "agreement.view_internal_progress"
    template_name = "agreement/exception_report.html"

    def get_context_data(self, **kwargs):
        """`items` and `indicators` are read only when the report's body is not in the fragment cache (keyed on
        the version, today's date, since items become overdue as days pass, and the reader's rights)."""
        version = get_object_or_404(visible_versions(self.request.user), pk=kwargs["pk"])
        today = timezone.localdate()
        return super().get_context_data(
            version=version,
            today=today.isoformat(),
            items=SimpleLazyObject(lambda: selectors.exception_items(version, today)),
            indicators=SimpleLazyObject(lambda: selectors.flagged_indicators(version.plan.agreement)),
            **kwargs,
        )


class PlanExportView(View):
    """The plan (and progress each reader may see) as CSV or XLSX; built in the request, it is quick."""

    FORMATS = {"csv": exports.to_csv, "xlsx": exports.to_xlsx}

    def get(self, request, pk, fmt):
        if fmt not in self.FORMATS:
            raise Http404
        make = self.FORMATS[fmt]

        def outgoing(version):
            data = make(version, request.user)
            return Outgoing(plan_file_name(version, fmt), fmt, data, sensitivity=plan_sensitivity(request, version))

        return file_send(request, visible_versions(request.user), outgoing, pk=pk)


def plan_file_name(version: PlanVersion, fmt: str) -> str:
    return f"Action plan {version.plan.agreement.year_label.replace('/', '-')} {version.label}.{fmt}"


def plan_sensitivity(request, version: PlanVersion) -> str:
    """A published plan as the public sees it may be cached; a draft, or progress only members see, may not."""
    public = version.status == PlanVersion.Status.PUBLISHED and not request.user.is_authenticated
    return Sensitivity.PUBLIC if public else Sensitivity.PRIVATE


def import_salt(version: PlanVersion) -> str:
    """A confirmation token is good for the draft it was previewed against, and no other."""
    return f"agreement.plan-import.{version.pk}"


class PlanImportView(EditorMixin, FormPageMixin, FormView):
    """Upload, then a preview of every row with its errors; only a sheet without errors can be confirmed."""

    form_class = PlanImportForm
    heading = "Import items from a spreadsheet"
    template_name = "agreement/import.html"

    def load(self, request, **kwargs):
        self.version = get_object_or_404(visible_versions(request.user), pk=kwargs["pk"], status="draft")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "version": self.version}

    def get_back_url(self):
        return self.version.get_absolute_url()

    def form_valid(self, form):
        rows = form.rows
        valid = bool(rows) and not any(row.errors for row in rows)
        token = signing.dumps([r.values for r in rows], salt=import_salt(self.version), compress=True) if valid else ""
        summary = self.version.plan.layout == ActionPlan.Layout.SUMMARY
        context = self.get_context_data(form=form, rows=rows, valid=valid, token=token, summary=summary)
        return self.render_to_response(context)


class PlanImportConfirmView(EditorMixin, View):
    def post(self, request, pk):
        version = get_object_or_404(visible_versions(request.user), pk=pk, status="draft")
        try:
            values = signing.loads(request.POST.get("token", ""), salt=import_salt(version), max_age=3600)
        except signing.BadSignature:
            messages.error(request, "The preview has expired: upload the sheet again.")
            return redirect("agreement:plan_import", pk=version.pk)
        checked = [imports.ImportRow(n, v) for n, v in enumerate(values, start=2)]
        try:
            count = imports.import_rows(version, checked)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("agreement:plan_import", pk=version.pk)
        messages.success(request, f"{count} item{pluralize(count)} imported.")
        return redirect(version)


class PlanPdfView(View):
    """The landscape PDF of a version, built by the worker; nothing is rendered in the request."""

    def get(self, request, pk):
        return file_send(
            request,
            visible_versions(request.user).exclude(pdf=""),
            lambda version: Outgoing(
                plan_file_name(version, "pdf"),
                "pdf",
                field_file=version.pdf,
                sensitivity=Sensitivity.PUBLIC
                if version.status == PlanVersion.Status.PUBLISHED
                else Sensitivity.PRIVATE,
            ),
            pk=pk,
        )


class PlanPdfBuildView(EditorMixin, View):
    def post(self, request, pk):
        version = get_object_or_404(visible_versions(request.user), pk=pk)
        services.version_pdf_request(version=version)
        messages.success(request, "The PDF is being built: download it from this page in a moment.")
        return redirect(version)
