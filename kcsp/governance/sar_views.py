"""Subject-access pages for the data protection officer: the packages made, making one, one package, its ZIP.

Thin views over kcsp.governance.subject_access. DHR: a package is made with DHR records only by a DHR-cleared data
protection officer with a one-time code (kcsp.roles.dpo_sees_dhr), through the DHR gate (dhr.gate.dhr_gate: the
search is in the DHR access log); the DHR pseudonyms of a package are shown only to such an officer, through the
gate again; the ZIP of a package made with DHR records is sent as DHR material (file_send's `dhr`).
"""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import DetailView, FormView, ListView, View

from kcsp.downloads import Outgoing, Sensitivity, file_send
from kcsp.mixins import RolePermissionMixin
from kcsp.pages import FormPageMixin
from kcsp.roles import dpo_sees_dhr

from .models import SubjectAccessPackage
from .sar_forms import SubjectAccessForm
from .subject_access import DHR_NOT_SEARCHED, SECTION_TITLES, package_holds_dhr, subject_access_package_make

DHR_ONLY_SECTIONS = {"dhr_access_log"}  # sections whose count is itself DHR information


class DpoMixin(RolePermissionMixin):
    permission_required = "governance.make_subject_access"


class PackageListView(DpoMixin, ListView):
    template_name = "governance/subject_access_list.html"
    context_object_name = "packages"
    paginate_by = 25

    def get_queryset(self):
        return SubjectAccessPackage.objects.select_related("made_by")


class PackageMakeView(DpoMixin, FormPageMixin, FormView):
    form_class = SubjectAccessForm
    heading = "Make a subject-access package"
    caption = "Subject access"

    def get_back_url(self):
        from django.urls import reverse

        return reverse("subject_access:list")

    def get_context_data(self, **kwargs):
        explanation = (
            "The package is a ZIP of every record naming the person: a readable page (index.html) and the same "
            "records as JSON. Minutes and papers naming them are listed for review, not copied. "
        )
        if dpo_sees_dhr(self.request.user):
            explanation += "DHR records are searched, and DHR cases naming them are listed by pseudonym only."
        else:
            explanation += DHR_NOT_SEARCHED
        return super().get_context_data(explanation=explanation, **kwargs)

    def form_valid(self, form):
        if dpo_sees_dhr(self.request.user):
            from dhr.gate import dhr_gate

            dhr_gate(self.request, what="Subject-access package: DHR records searched", action="export")
        try:
            package = subject_access_package_make(
                self.request.user, person=form.cleaned_data["person"], email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            form.add_error("person", error)
            return self.form_invalid(form)
        return redirect("subject_access:detail", pk=package.pk)


class PackageDetailView(DpoMixin, DetailView):
    template_name = "governance/subject_access_detail.html"
    context_object_name = "package"

    def get_queryset(self):
        return SubjectAccessPackage.objects.select_related("made_by", "subject_person")

    def get_context_data(self, **kwargs):
        package = self.object
        sees_dhr = dpo_sees_dhr(self.request.user)
        if sees_dhr and package.dhr_cases_for_review:
            from dhr.gate import dhr_gate

            dhr_gate(self.request, what=f"Subject-access package {package.pk}: DHR cases for review")
        # The person's own DHR access-log rows are DHR activity: their number only for an officer who sees DHR.
        withheld = DHR_ONLY_SECTIONS if package_holds_dhr(package) and not sees_dhr else set()
        counts = [
            {"title": title, "count": None if key in withheld else package.counts[key]}
            for key, title in SECTION_TITLES.items()
            if key in package.counts and key != "dhr_cases"
        ]
        return super().get_context_data(
            counts=counts,
            sees_dhr=sees_dhr,
            found=sum(package.counts.get(key, 0) for key in SECTION_TITLES) + len(package.dhr_cases_for_review),
            holds_dhr=package_holds_dhr(package),
            dhr_note=DHR_NOT_SEARCHED,
            **kwargs,
        )


class PackageDownloadView(DpoMixin, View):
    def get(self, request, *args, **kwargs):
        def make(package):
            return Outgoing(
                f"subject-access-package-{package.pk}.zip",
                "zip",
                field_file=package.file,
                sensitivity=Sensitivity.RESTRICTED,
                what=f"Subject-access package {package.pk}",
                subject=package,
                dhr=package_holds_dhr(package),
            )

        return file_send(request, SubjectAccessPackage.objects.exclude(file=""), make, pk=kwargs["pk"])
