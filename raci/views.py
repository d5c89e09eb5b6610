"""The HUKI matrix pages. Everyone logged in reads the version in force and the earlier ones;
the draft and every change are for the process owner (`permissions.can_edit_matrix`), and
anyone else is refused with a 403. Each change is a POST handed to one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from orders import selectors as order_selectors
from orders.models import Order
from organisation.models import Role
from organisation.roles import role_codes
from tyreso_it.core.exports import export_response
from tyreso_it.core.views import show_refusal

from . import forms, io, selectors, services
from .models import Activity, ConsultationTask, Letter, MatrixVersion, Process
from .permissions import can_edit_matrix
from .rules import role_sort_key

V = MatrixVersion.Status


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_matrix(request.user):
        raise PermissionDenied(_("Only the process owner (the deputy IT chief) and the IT chief "
                                 "can change the HUKI matrix."))


def _version(number: int, request: HttpRequest) -> MatrixVersion:
    """A version by number; the draft only for those who edit (others: 404, as if missing)."""
    version = (
        MatrixVersion.objects.select_related("published_by", "saved_by")
        .filter(number=number).first()
    )
    if version is None or (version.is_draft and not can_edit_matrix(request.user)):
        raise Http404(_("No such version of the HUKI matrix."))
    return version


def _filters(request: HttpRequest, roles: list[Role]) -> tuple[forms.MatrixFilterForm, dict]:
    form = forms.MatrixFilterForm(request.GET or None, roles=roles)
    # A bad value in one filter drops that filter only.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    role = next((r for r in roles if r.code == data.get("role")), None)
    return form, {"process": data.get("process") or None, "role": role}


def _my_roles(request: HttpRequest, roles: list[Role]) -> list[Role]:
    codes = role_codes(request.user)
    return [role for role in roles if role.code in codes]


def _legend() -> list[tuple[str, object, str]]:
    return [
        (Letter.H.value, Letter.H.label,
         _("answers for the activity being done; exactly one role per activity")),
        (Letter.U.value, Letter.U.label, _("does the work; at least one role per activity")),
        (Letter.K.value, Letter.K.label,
         _("is asked for its view while the step is under way")),
        (Letter.I.value, Letter.I.label, _("is told when the step is done")),
    ]


def _version_context(request: HttpRequest, version: MatrixVersion,
                     all_versions: list[MatrixVersion] | None = None) -> dict:
    roles = selectors.roles_with_people()
    form, chosen = _filters(request, roles)
    if all_versions is None:
        all_versions = selectors.versions()
    previous = next(
        (v for v in all_versions if v.number < version.number and not v.is_draft), None
    )
    return {
        "version": version,
        "grid": selectors.grid(version, roles=roles, **chosen),
        "filter_form": form,
        "filtered": any(chosen.values()),
        "chosen_role": chosen["role"],
        "chosen_process": chosen["process"] and Process(chosen["process"]).label,
        "my_roles": _my_roles(request, roles),
        "versions": all_versions,
        "draft": next((v for v in all_versions if v.is_draft), None),
        "previous": previous,
        "can_edit": can_edit_matrix(request.user),
        "legend": _legend(),
        "query": request.GET.urlencode(),
    }


# --- reading -------------------------------------------------------------------------------


@require_GET
def matrix(request: HttpRequest) -> HttpResponse:
    """The matrix in force, filtered by process and role."""
    all_versions = selectors.versions()
    version = next((v for v in all_versions if v.status == V.PUBLISHED), None)
    if version is None:
        return render(request, "raci/matrix_none.html",
                      {"can_edit": can_edit_matrix(request.user),
                       "draft": next((v for v in all_versions if v.is_draft), None)})
    return render(request, "raci/matrix.html",
                  _version_context(request, version, all_versions))


@require_GET
def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = _version(number, request)
    if version.is_draft:
        return redirect("raci:draft")
    return render(request, "raci/matrix.html", _version_context(request, version))


@require_GET
def version_print(request: HttpRequest, number: int) -> HttpResponse:
    """The version for paper: A4 or A3 landscape, no navigation."""
    version = _version(number, request)
    context = _version_context(request, version)
    context["paper"] = "a4" if request.GET.get("paper") == "a4" else "a3"
    return render(request, "raci/matrix_print.html", context)


@require_GET
def version_export(request: HttpRequest, number: int, fmt: str) -> HttpResponse:
    """The whole version (filters aside) as CSV or XLSX, in the format the import reads."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    version = _version(number, request)
    grid = selectors.grid(version)
    headers, rows = io.export_table(grid)
    return export_response(fmt, _("HUKI matrix version %(number)s") % {"number": number},
                           headers, rows)


@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    versions = selectors.versions()
    if not can_edit_matrix(request.user):
        versions = [v for v in versions if not v.is_draft]
    return render(request, "raci/version_list.html",
                  {"versions": versions, "can_edit": can_edit_matrix(request.user)})


@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    """What changed between two versions, cell by cell."""
    versions = [v for v in selectors.versions()
                if not v.is_draft or can_edit_matrix(request.user)]
    published = [v for v in versions if not v.is_draft]
    initial = {}
    if len(versions) >= 2:
        newer = next((v for v in versions if v.status == V.PUBLISHED), versions[0])
        older = next((v for v in published if v.number < newer.number), versions[-1])
        initial = {"older": older.number, "newer": newer.number}
    form = forms.CompareForm(request.GET or None, versions=versions, initial=initial)
    changes, older, newer = None, None, None
    numbers = None
    if form.is_bound and form.is_valid():
        numbers = (form.cleaned_data["older"], form.cleaned_data["newer"])
    elif not form.is_bound and initial:
        numbers = (initial["older"], initial["newer"])
    if numbers:
        by_number = {v.number: v for v in versions}
        older, newer = by_number[numbers[0]], by_number[numbers[1]]
        changes = selectors.compare(older, newer)
    return render(request, "raci/compare.html", {
        "form": form, "changes": changes, "older": older, "newer": newer,
        "enough": len(versions) >= 2,
    }, status=400 if form.is_bound and form.errors else 200)


# --- the draft -----------------------------------------------------------------------------


def _draft_page(request: HttpRequest, draft: MatrixVersion, *, form=None, letters=None,
                stale=None, publish_form=None, status: int = 200) -> HttpResponse:
    roles = selectors.roles_with_people()
    filter_form, chosen = _filters(request, roles)
    grid = selectors.grid(draft, roles=roles, process=chosen["process"], letters=letters)
    context = {
        "version": draft,
        "grid": grid,
        "filter_form": filter_form,
        "chosen_process": chosen["process"],
        "form": form,
        "publish_form": publish_form or forms.PublishForm(initial={"revision": draft.revision,
                                                                   "note": draft.note}),
        "revision": form.data.get("revision") if form is not None and stale is None
        else draft.revision,
        "letter_values": Letter.values,
        "legend": _legend(),
        "stale": stale,
        "action": _draft_url(chosen["process"]),
        "in_force": selectors.version_in_force(),
    }
    return render(request, "raci/draft.html", context, status=status)


def _draft_url(process: str | None) -> str:
    url = reverse("raci:draft")
    return f"{url}?{urlencode({'process': process})}" if process else url


def draft(request: HttpRequest) -> HttpResponse:
    """The draft as a grid of selects; saving keeps whatever it holds and shows its problems."""
    _require_editor(request)
    current = selectors.version_draft()
    if current is None:
        if request.method == "POST":
            messages.error(request, _("The draft you were editing has been published or "
                                      "discarded meanwhile. Your changes were not saved."))
        return render(request, "raci/draft_none.html",
                      {"in_force": selectors.version_in_force()},
                      status=409 if request.method == "POST" else 200)
    if request.method != "POST":
        return _draft_page(request, current)
    roles = sorted(Role.objects.all(), key=role_sort_key)
    process = request.GET.get("process") or None
    shown = [a for a in selectors.version_activities(current)
             if not process or a.process == process]
    form = forms.DraftForm(request.POST, activities=shown, roles=roles)
    posted = {**selectors.version_letters(current), **{
        key: "" for key in form.cells.values()}, **form.posted_letters()}
    if not form.is_valid():
        messages.error(request, _("The draft was not saved: each cell holds H, U, K, I or "
                                  "nothing."))
        return _draft_page(request, current, form=form, letters=posted, status=400)
    try:
        _saved, problems = services.draft_save(
            actor=request.user, version_id=current.pk,
            expected_revision=form.cleaned_data["revision"], letters=form.letters(),
            activity_ids=form.activity_ids,
        )
    except services.StaleDraft as exc:
        fresh = selectors.version_draft()
        if fresh is None:
            show_refusal(request, exc)
            return redirect("raci:matrix")
        show_refusal(request, exc)
        theirs = selectors.version_letters(fresh)
        stale = _differences(form.letters(), theirs, shown, roles)
        return _draft_page(request, fresh, form=form, letters=posted, stale=stale,
                           status=409)
    except services.MatrixError as exc:
        show_refusal(request, exc)
        return _draft_page(request, current, form=form, letters=posted,
                           status=exc.status_code)
    if problems:
        messages.warning(request, _("The draft is saved. %(summary)s")
                         % {"summary": services.problems_summary(len(problems))})
    else:
        messages.success(request, _("The draft is saved and keeps every rule: it can be "
                                    "published."))
    return redirect(_draft_url(process))


def _differences(mine, theirs, activities, roles) -> list[tuple]:
    """The cells where the person's input and the newer saved draft differ."""
    names = {r.pk: r for r in roles}
    rows = []
    for activity in activities:
        for role_id, role in names.items():
            key = (activity.pk, role_id)
            if (mine.get(key) or "") != (theirs.get(key) or ""):
                rows.append((activity, role, mine.get(key) or "–", theirs.get(key) or "–"))
    return rows


@require_POST
def draft_start(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    version = services.draft_start(actor=request.user)
    messages.success(request, _("Draft %(number)s is open: change the letters, save, and "
                                "publish when it keeps every rule.") % {"number": version.number})
    return redirect("raci:draft")


@require_POST
def draft_publish(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    current = selectors.version_draft()
    form = forms.PublishForm(request.POST)
    if current is None or not form.is_valid():
        messages.error(request, _("There is no draft to publish."))
        return redirect("raci:matrix")
    try:
        version = services.draft_publish(
            actor=request.user, version_id=current.pk,
            expected_revision=form.cleaned_data["revision"], note=form.cleaned_data["note"],
        )
    except services.InvalidMatrix as exc:
        messages.error(request, _("The draft was not published. %(summary)s")
                       % {"summary": exc.message})
        return _draft_page(request, current, publish_form=form, status=400)
    except services.MatrixError as exc:
        show_refusal(request, exc)
        fresh = selectors.version_draft()
        if fresh is None:
            return redirect("raci:matrix")
        return _draft_page(request, fresh, status=exc.status_code)
    messages.success(request, _("Version %(number)s is published and in force. The order flow "
                                "follows it from the next step on.") % {"number": version.number})
    return redirect(version.get_absolute_url())


@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    current = selectors.version_draft()
    form = forms.RevisionForm(request.POST)
    if current is None or not form.is_valid():
        return redirect("raci:matrix")
    try:
        services.draft_discard(actor=request.user, version_id=current.pk,
                               expected_revision=form.cleaned_data["revision"])
    except services.MatrixError as exc:
        show_refusal(request, exc)
        return _draft_page(request, selectors.version_draft() or current,
                           status=exc.status_code)
    messages.success(request, _("The draft is discarded; the version in force is unchanged."))
    return redirect("raci:matrix")


def draft_import(request: HttpRequest) -> HttpResponse:
    """Replace the draft's letters with a file's; a file with any error writes nothing."""
    _require_editor(request)
    current = selectors.version_draft()
    form = forms.ImportForm(request.POST or None, request.FILES or None,
                            initial={"revision": current.revision if current else None})
    errors: list[io.RowError] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                table = io.read_table(form.cleaned_data["file"])
                roles = sorted(Role.objects.all(), key=role_sort_key)
                activities = list(
                    Activity.objects.filter(is_active=True)
                    .prefetch_related("accountable_roles").order_by("position", "pk")
                )
                result = io.read_matrix(table, activities, roles)
            except io.ImportFileError as exc:
                form.add_error("file", exc.message)
            else:
                errors = result.errors
                if not errors:
                    try:
                        version = services.draft_import(
                            actor=request.user, letters=result.letters,
                            activity_ids=result.activity_ids,
                            expected_revision=form.cleaned_data.get("revision")
                            if current else None,
                        )
                    except services.MatrixError as exc:
                        show_refusal(request, exc, form)
                        status = exc.status_code
                    else:
                        messages.success(request, _("The file is imported into draft "
                                                    "%(number)s. Check it and publish it.")
                                         % {"number": version.number})
                        return redirect("raci:draft")
    return render(request, "raci/import.html",
                  {"form": form, "errors": errors, "draft": current}, status=status)


# --- consultations on an order ---------------------------------------------------------------


@require_POST
def consultation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    task = (
        ConsultationTask.objects.select_related("order").filter(pk=pk).first()
    )
    if task is None:
        raise Http404
    try:
        order = order_selectors.order_detail(request.user, task.order_id)
    except Order.DoesNotExist as exc:
        raise Http404 from exc
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your answer."))
        return redirect(f"{order.get_absolute_url()}#samrad")
    try:
        services.consultation_answer(task_id=task.pk, actor=request.user,
                                     answer=form.cleaned_data["answer"])
    except services.MatrixError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        show_refusal(request, exc)
    else:
        messages.success(request, _("Your answer is saved; the handler can see it."))
    return redirect(f"{order.get_absolute_url()}#samrad")
