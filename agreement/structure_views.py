"""Pages where officers keep the agreement itself: create, edit and publish it; its priorities and themes (add,
edit, reorder, remove); its action plan's numbering and layout; next year's agreement started as a copy."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView

from kcsp.locking import RecordLockMixin
from kcsp.pages import ConfirmActionView, FormPageMixin

from . import structure_services as services
from .models import ActionPlan, Agreement, Priority, Theme
from .structure_forms import ActionPlanForm, AgreementForm, PriorityForm, ThemeForm
from .views import EditorMixin


class ServiceFormMixin:
    """form_valid through a service: its refusal shown in the error summary, what was typed kept."""

    success_message = "Saved."

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            saved = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url_for(saved))

    def get_success_url_for(self, saved):
        return saved.get_absolute_url()


class AgreementCreateView(EditorMixin, ServiceFormMixin, FormPageMixin, CreateView):
    form_class = AgreementForm
    heading = "Create an agreement"
    success_message = "Agreement created. Add its priorities and themes, then its action plan."

    def get_back_url(self):
        return reverse("agreement:agreement_list")

    def save(self, form):
        return services.agreement_save(agreement=form.instance)


class AgreementMixin(EditorMixin):
    def load(self, request, **kwargs):
        self.agreement = get_object_or_404(Agreement, year=kwargs["year"])

    def get_caption(self):
        return self.agreement.title

    def get_back_url(self):
        return self.agreement.get_absolute_url()


class AgreementEditView(AgreementMixin, RecordLockMixin, ServiceFormMixin, FormPageMixin, UpdateView):
    form_class = AgreementForm
    heading = "Edit the agreement"
    success_message = "Agreement saved."
    lock_in_service = True

    def get_object(self, queryset=None):
        return self.agreement

    def save(self, form):
        return services.agreement_save(agreement=form.instance, lock=self.record_lock)


class AgreementPublishView(AgreementMixin, ConfirmActionView):
    heading = "Publish this agreement?"
    submit_label = "Publish the agreement"
    explanation = "Everyone can then read it, its priorities and themes, and what changed from last year."

    def act(self):
        services.agreement_publish(agreement=self.agreement)
        self.success_message = "Agreement published."

    get_success_url = AgreementMixin.get_back_url


class AgreementCopyView(AgreementMixin, ConfirmActionView):
    heading = "Start next year's agreement as a copy of this one?"
    submit_label = "Start next year's agreement"
    explanation = (
        "Next year's agreement starts unpublished, with this year's title (the year changed), period, priorities "
        "and themes, and a draft action plan holding this year's live items (numbering and layout kept). Renaming, "
        "adding or removing a priority or theme in the copy then shows in 'What changed from last year'."
    )

    def act(self):
        self.copy = services.agreement_copy_next_year(agreement=self.agreement)
        self.success_message = f"{self.copy.title} started as a copy."

    def get_success_url(self):
        copy = getattr(self, "copy", None)
        return copy.get_absolute_url() if copy else self.get_back_url()


class StructureView(EditorMixin, DetailView):
    """The agreement's priorities and themes, each with its edit, move and remove actions."""

    template_name = "agreement/structure.html"
    context_object_name = "agreement"
    slug_field = slug_url_kwarg = "year"
    queryset = Agreement.objects.prefetch_related("priorities__lead_organisation", "themes")


class PartMixin(EditorMixin, FormPageMixin):
    model = Priority
    form_class = PriorityForm
    thing = "priority"

    def get_back_url(self):
        return reverse("agreement:agreement_structure", args=[self.agreement.year])

    def get_caption(self):
        return self.agreement.title

    def get_success_url_for(self, saved):
        return self.get_back_url()


class PartCreateView(PartMixin, ServiceFormMixin, CreateView):
    def load(self, request, **kwargs):
        self.agreement = get_object_or_404(Agreement, year=kwargs["year"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.model(agreement=self.agreement)
        return kwargs

    def save(self, form):
        self.success_message = f"{self.thing.capitalize()} added."
        return services.part_save(part=form.instance)


class PartEditView(PartMixin, RecordLockMixin, ServiceFormMixin, UpdateView):
    lock_in_service = True

    def load(self, request, **kwargs):
        self.object = get_object_or_404(self.model.objects.select_related("agreement"), pk=kwargs["pk"])
        self.agreement = self.object.agreement

    def get_object(self, queryset=None):
        return self.object

    def save(self, form):
        self.success_message = f"{self.thing.capitalize()} saved."
        return services.part_save(part=form.instance, lock=self.record_lock)


class PartMoveView(EditorMixin, View):
    model = Priority

    def post(self, request, pk, direction):
        part = get_object_or_404(self.model.objects.select_related("agreement"), pk=pk)
        try:
            services.part_move(part=part, direction="up" if direction == "up" else "down")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("agreement:agreement_structure", year=part.agreement.year)


class PartRemoveView(EditorMixin, ConfirmActionView):
    model = Priority
    thing = "priority"

    def load(self, request, **kwargs):
        self.part = get_object_or_404(self.model.objects.select_related("agreement"), pk=kwargs["pk"])

    def get_context_data(self, **kwargs):
        uses = services.part_uses(self.part)
        self.heading = f"Remove the {self.thing} '{self.part.name}'?"
        self.submit_label = f"Remove the {self.thing}"
        self.explanation = (
            f"It cannot be removed: it is used by {', '.join(uses)}."
            if uses
            else f"It leaves the {self.part.agreement.year_label} agreement; those after it move up one place. "
            "Its history is kept."
        )
        return super().get_context_data(**kwargs)

    def get_form_kwargs(self):
        self.submit_label = f"Remove the {self.thing}"
        return super().get_form_kwargs()

    def get_caption(self):
        return self.part.agreement.title

    def act(self):
        services.part_remove(part=self.part)
        self.success_message = f"{self.thing.capitalize()} removed."

    def get_back_url(self):
        return reverse("agreement:agreement_structure", args=[self.part.agreement.year])

    get_success_url = get_back_url


class PriorityCreateView(PartCreateView):
    heading = "Add a priority"


class PriorityEditView(PartEditView):
    heading = "Edit the priority"


class ThemeMixin:
    model = Theme
    form_class = ThemeForm
    thing = "theme"


class ThemeCreateView(ThemeMixin, PartCreateView):
    heading = "Add a cross-cutting theme"


class ThemeEditView(ThemeMixin, PartEditView):
    heading = "Edit the cross-cutting theme"


class ThemeMoveView(PartMoveView):
    model = Theme


class ThemeRemoveView(PartRemoveView):
    model = Theme
    thing = "theme"


class PlanCreateView(AgreementMixin, ServiceFormMixin, FormPageMixin, CreateView):
    form_class = ActionPlanForm
    heading = "Create the action plan"
    success_message = "Action plan created with its first draft: add its items."

    def load(self, request, **kwargs):
        super().load(request, **kwargs)
        if ActionPlan.objects.filter(agreement=self.agreement).exists():
            messages.info(request, "This agreement already has an action plan.")

    def save(self, form):
        return services.plan_create(
            agreement=self.agreement, numbering=form.cleaned_data["numbering"], layout=form.cleaned_data["layout"]
        )


class PlanEditView(EditorMixin, RecordLockMixin, ServiceFormMixin, FormPageMixin, UpdateView):
    form_class = ActionPlanForm
    heading = "Change the plan's numbering and layout"
    success_message = "Numbering and layout saved; the draft is renumbered."
    lock_in_service = True

    def load(self, request, **kwargs):
        self.object = get_object_or_404(ActionPlan.objects.select_related("agreement"), pk=kwargs["pk"])

    def get_object(self, queryset=None):
        return self.object

    def get_caption(self):
        return str(self.object)

    def get_back_url(self):
        return self.object.agreement.get_absolute_url()

    def save(self, form):
        return services.plan_settings_save(plan=form.instance, lock=self.record_lock)

    def get_success_url_for(self, saved):
        draft = saved.versions.filter(status="draft").first()
        return draft.get_absolute_url() if draft else saved.agreement.get_absolute_url()
