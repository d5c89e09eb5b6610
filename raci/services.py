"""Every write to the matrix, and what the order flow does with it, one service each.

A draft is saved with whatever it holds (a draft may be incomplete) and its problems shown;
only a draft that keeps every rule can be published. Each save carries the draft's revision:
a form opened before someone else's save is refused rather than overwriting it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from orders.models import Order, OrderEvent
from organisation.models import Role, User
from organisation.roles import NO_ORDER_RIGHTS, SIGHT_EXCLUDED
from tyreso_it.core.errors import ServiceError
from tyreso_it.core.services import outbox_enqueue

from . import flow
from .models import Activity, Cell, ConsultationTask, Letter, MatrixVersion, OrderRoleSight
from .permissions import can_answer, can_edit_matrix
from .rules import matrix_problems, problems_summary, role_sort_key

V = MatrixVersion.Status
Letters = Mapping[tuple[int, int], str]


class MatrixError(ServiceError):
    """A refused write of this app (see tyreso_it.core.errors)."""


class NotAllowed(MatrixError):
    status_code = 403


class StaleDraft(MatrixError):
    """The draft was saved (or published, or discarded) by someone else meanwhile."""

    status_code = 409


class InvalidMatrix(MatrixError):
    """The matrix breaks the rules; `problems` holds the messages by activity id."""

    def __init__(self, problems: dict[int, list[str]]):
        super().__init__(problems_summary(len(problems)))
        self.problems = problems


def _require_editor(actor: User) -> None:
    if not can_edit_matrix(actor):
        raise NotAllowed(_("Only the process owner (the deputy IT chief) and the IT chief can "
                           "change the HUKI matrix."))


def _lock_draft(version_id: int | None, expected_revision: int | None) -> MatrixVersion:
    draft = MatrixVersion.objects.select_for_update().filter(status=V.DRAFT).first()
    if draft is None or (version_id is not None and draft.pk != version_id):
        raise StaleDraft(_("The draft you were editing has been published or discarded "
                           "meanwhile. Your changes were not saved."))
    if expected_revision is not None and draft.revision != expected_revision:
        who = draft.saved_by or _("someone else")
        raise StaleDraft(
            _("%(person)s saved the draft while you were editing it. Your changes were not "
              "saved: they are still in the form below, next to what is saved now. Compare "
              "and save again.") % {"person": who}
        )
    return draft


def _touch(draft: MatrixVersion, actor: User, reason: str) -> None:
    draft.revision += 1
    draft.saved_at = timezone.now()
    draft.saved_by = actor
    draft._history_user = actor
    draft._change_reason = reason
    draft.save()


def _all_rows(draft: MatrixVersion) -> tuple[list[Activity], list[Role]]:
    from .selectors import version_activities

    return list(version_activities(draft)), sorted(Role.objects.all(), key=role_sort_key)


# --- drafts -----------------------------------------------------------------------------


def draft_start(*, actor: User) -> MatrixVersion:
    """Open a draft: a copy of the version in force (its rows still in use), numbered next.

    There is at most one draft; if there already is one, that one is returned.
    """
    _require_editor(actor)
    try:
        with transaction.atomic():
            existing = MatrixVersion.objects.select_for_update().filter(status=V.DRAFT).first()
            if existing is not None:
                return existing
            source = MatrixVersion.objects.filter(status=V.PUBLISHED).first()
            number = (MatrixVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
            draft = MatrixVersion(number=number, status=V.DRAFT, based_on=source,
                                  created_by=actor, saved_by=actor, saved_at=timezone.now())
            draft._history_user = actor
            draft.save()
            if source is not None:
                bulk_create_with_history(
                    [
                        Cell(version=draft, activity_id=activity_id, role_id=role_id,
                             letter=letter)
                        for activity_id, role_id, letter in Cell.objects.filter(
                            version=source, activity__is_active=True
                        ).values_list("activity_id", "role_id", "letter")
                    ],
                    Cell,
                    default_user=actor,
                )
            return draft
    except IntegrityError:
        # Someone else opened the draft at the same moment: work on theirs.
        return MatrixVersion.objects.get(status=V.DRAFT)


def _write_letters(
    draft: MatrixVersion, actor: User, letters: Letters, activity_ids: Iterable[int]
) -> int:
    """Make the draft's cells of `activity_ids` exactly `letters`; returns cells changed."""
    activity_ids = set(activity_ids)
    current = {
        (cell.activity_id, cell.role_id): cell
        for cell in Cell.objects.filter(version=draft, activity_id__in=activity_ids)
    }
    wanted = {
        key: letter for key, letter in letters.items() if letter and key[0] in activity_ids
    }
    create, update = [], []
    for key, letter in wanted.items():
        cell = current.get(key)
        if cell is None:
            create.append(Cell(version=draft, activity_id=key[0], role_id=key[1],
                               letter=letter))
        elif cell.letter != letter:
            cell.letter = letter
            update.append(cell)
    removed = [cell for key, cell in current.items() if key not in wanted]
    if create:
        bulk_create_with_history(create, Cell, default_user=actor)
    if update:
        bulk_update_with_history(update, Cell, ["letter"], default_user=actor)
    for cell in removed:
        cell._history_user = actor
        cell.delete()
    return len(create) + len(update) + len(removed)


def _check_letters(letters: Letters) -> None:
    if any(letter not in Letter.values for letter in letters.values() if letter):
        raise MatrixError(_("Each cell holds H, U, K, I or nothing."))


def draft_save(
    *,
    actor: User,
    version_id: int,
    expected_revision: int,
    letters: Letters,
    activity_ids: Iterable[int] | None = None,
) -> tuple[MatrixVersion, dict[int, list[str]]]:
    """Save the letters of the draft's rows (all, or only `activity_ids`: the rows the form
    showed). The draft is saved even when it breaks a rule; its problems are returned."""
    _require_editor(actor)
    _check_letters(letters)
    with transaction.atomic():
        draft = _lock_draft(version_id, expected_revision)
        activities, roles = _all_rows(draft)
        in_draft = {activity.pk for activity in activities}
        scope = in_draft if activity_ids is None else set(activity_ids) & in_draft
        changed = _write_letters(draft, actor, letters, scope)
        _touch(draft, actor, _("Draft saved (%(count)d cells changed)") % {"count": changed})
        stored = {
            (a, r): letter
            for a, r, letter in Cell.objects.filter(version=draft).values_list(
                "activity_id", "role_id", "letter"
            )
        }
        return draft, matrix_problems(activities, roles, stored)


def draft_publish(
    *, actor: User, version_id: int, expected_revision: int, note: str = ""
) -> MatrixVersion:
    """Put the draft in force. Refused while any row breaks a rule; the version in force
    until now is superseded, unchanged, and stays readable."""
    _require_editor(actor)
    with transaction.atomic():
        draft = _lock_draft(version_id, expected_revision)
        activities, roles = _all_rows(draft)
        stored = {
            (a, r): letter
            for a, r, letter in Cell.objects.filter(version=draft).values_list(
                "activity_id", "role_id", "letter"
            )
        }
        problems = matrix_problems(activities, roles, stored)
        if problems:
            raise InvalidMatrix(problems)
        previous = MatrixVersion.objects.select_for_update().filter(status=V.PUBLISHED).first()
        if previous is not None:
            previous.status = V.SUPERSEDED
            previous._history_user = actor
            previous._change_reason = _("Superseded by version %(number)s") % {
                "number": draft.number}
            previous.save(update_fields=["status"])
        draft.status = V.PUBLISHED
        draft.published_at = timezone.now()
        draft.published_by = actor
        if note.strip():
            draft.note = note.strip()
        draft._history_user = actor
        draft._change_reason = _("Published")
        draft.save()
        return draft


def draft_discard(*, actor: User, version_id: int, expected_revision: int) -> None:
    """Throw the draft away; the version in force is untouched."""
    _require_editor(actor)
    with transaction.atomic():
        draft = _lock_draft(version_id, expected_revision)
        for cell in Cell.objects.filter(version=draft):
            cell._history_user = actor
            cell.delete()
        draft._history_user = actor
        draft._change_reason = _("Draft discarded")
        draft.delete()


def draft_import(
    *, actor: User, letters: Letters, activity_ids: Iterable[int],
    expected_revision: int | None = None,
) -> MatrixVersion:
    """Replace the draft's letters with an imported file's (opening a draft if there is none).

    All or nothing: a file whose matrix breaks a rule writes nothing. The file's rows have
    been matched to activities and roles already (`raci.io.read_matrix`).
    """
    _require_editor(actor)
    _check_letters(letters)
    with transaction.atomic():
        draft = MatrixVersion.objects.select_for_update().filter(status=V.DRAFT).first()
        if draft is None:
            draft = draft_start(actor=actor)
            expected_revision = draft.revision
        draft = _lock_draft(draft.pk, expected_revision)
        activities, roles = _all_rows(draft)
        given = set(activity_ids)
        missing = [a for a in activities if a.is_active and a.pk not in given]
        if missing:
            raise MatrixError(
                _("The file lacks these activities: %(names)s.")
                % {"names": ", ".join(a.name for a in missing)}
            )
        # A row retired since the draft was opened goes when the file leaves it empty.
        with_letters = {key[0] for key, letter in letters.items() if letter}
        rows = [a for a in activities if a.is_active or a.pk in with_letters]
        problems = matrix_problems(rows, roles, letters)
        if problems:
            raise InvalidMatrix(problems)
        changed = _write_letters(draft, actor, letters, {a.pk for a in activities})
        _touch(draft, actor, _("Imported from a file (%(count)d cells changed)")
               % {"count": changed})
        return draft


# --- the order flow ---------------------------------------------------------------------


def _addresses(people: Iterable[User]) -> set[str]:
    return {person.email for person in people if person.email}


def _record_sight(order: Order, roles: Iterable[Role]) -> None:
    """The roles the matrix asks or tells about an order may open it (the link in the email),
    while one holds the role: a row per order and role, read at each request
    (`raci.OrderRoleSight`), never a grant per person that would outlive the role.

    The orderer's side and the provider see the order through the order itself; the service
    desk holds no right on orders (SPEC "Permissions") and is told without a link.
    """
    shown = [role for role in roles if role.code not in SIGHT_EXCLUDED]
    if shown:
        OrderRoleSight.objects.bulk_create(
            [OrderRoleSight(order=order, role=role) for role in shown], ignore_conflicts=True
        )


def _order_url(order: Order) -> str:
    return settings.SITE_URL.rstrip("/") + order.get_absolute_url()


def order_step_consult_and_inform(
    *, order: Order, event: OrderEvent, already_told: Iterable[str] = ()
) -> list[ConsultationTask]:
    """What the matrix in force says to do at a transition, in the transition's transaction.

    The roles with I on the activity just carried out are told (everyone not already told of
    the transition); the roles with K on the step the order has reached are asked, each with
    a consultation task on the order, unless an open one for the same step and role exists.
    Open consultations of steps the order has gone past lapse. Returns the consultations made.
    """
    from .selectors import role_people

    for task in ConsultationTask.objects.filter(
        order=order, status=ConsultationTask.Status.OPEN
    ).select_related("activity"):
        if flow.is_past(task.activity.code, order.status):
            task.status = ConsultationTask.Status.LAPSED
            task._history_user = event.actor
            task._change_reason = str(event.action)
            task.save(update_fields=["status"])
    version = MatrixVersion.objects.filter(status=V.PUBLISHED).first()
    if version is None:
        return []
    done = flow.activity_of_action(event.action)
    reached = flow.step_of_status(order.status)
    cells = list(
        Cell.objects.filter(version=version, activity__code__in=[c for c in (done, reached) if c])
        .filter(letter__in=[Letter.I, Letter.K])
        .select_related("role", "activity")
    )
    informed = [c for c in cells if c.letter == Letter.I and c.activity.code == done]
    consulted = [c for c in cells if c.letter == Letter.K and c.activity.code == reached]
    if not informed and not consulted:
        return []
    # The service desk is not asked: it cannot open the order to answer (SPEC "Permissions").
    consulted = [c for c in consulted if c.role.code not in NO_ORDER_RIGHTS]
    people = role_people(order, {c.role for c in informed + consulted})
    _record_sight(order, {c.role for c in informed + consulted})
    actor_email = getattr(event.actor, "email", "")
    with translation.override(settings.LANGUAGE_CODE):
        if informed:
            recipients, unlinked = set(), set()
            for cell in informed:
                addresses = _addresses(people.get(cell.role.pk, []))
                if cell.role.code in NO_ORDER_RIGHTS:
                    unlinked |= addresses
                    continue
                recipients |= addresses
                if cell.role.code == Role.Code.PROVIDER and order.provider_id:
                    recipients.add(order.provider.email)
            recipients -= set(already_told) | {actor_email}
            # Whoever also holds a role that sees the order gets the email with its link.
            unlinked -= recipients | set(already_told) | {actor_email}
            _inform(order, event, version, informed, recipients)
            _inform(order, event, version, informed, unlinked, link=False)
        made = []
        for cell in consulted:
            if ConsultationTask.objects.filter(
                order=order, activity=cell.activity, role=cell.role,
                status=ConsultationTask.Status.OPEN,
            ).exists():
                continue
            task = ConsultationTask(order=order, event=event, activity=cell.activity,
                                    role=cell.role, version=version)
            task._history_user = event.actor
            task.save()
            made.append(task)
            _ask(order, task, _addresses(people.get(cell.role.pk, [])) - {actor_email})
    return made


def _inform(order, event, version, cells, recipients, *, link: bool = True) -> None:
    """Tell `recipients` what was done. Without `link`, for roles that may not open the order
    (the service desk): what happened, and no address of a page they cannot open."""
    if not recipients:
        return
    activity = cells[0].activity
    roles = ", ".join(c.role.name for c in sorted(cells, key=lambda c: role_sort_key(c.role)))
    if link:
        last = _("Open the order: %(url)s") % {"url": _order_url(order)}
    else:
        last = _("Your role is told of the order but may not open it in the product; ask the "
                 "ordering function if you need to know more.")
    outbox_enqueue(
        recipients=recipients,
        subject=_("For your information: %(reference)s %(title)s: %(status)s") % {
            "reference": order.reference or _("Draft"), "title": order.title,
            "status": order.get_status_display()},
        body="\n".join([
            _("“%(activity)s” has been done on the order “%(title)s” of %(department)s, by "
              "%(actor)s. The order is now: %(status)s.") % {
                "activity": activity.name, "title": order.title,
                "department": order.department.name, "actor": event.actor,
                "status": order.get_status_display()},
            "",
            _("You are told because version %(number)s of the HUKI matrix says that these "
              "roles are informed (I) of this activity: %(roles)s.") % {
                "number": version.number, "roles": roles},
            "",
            last,
        ]),
        dedupe_key=f"order-event-{event.pk}-huki-informed" + ("" if link else "-unlinked"),
    )


def _ask(order, task, recipients) -> None:
    outbox_enqueue(
        recipients=recipients,
        subject=_("Your view is asked for: %(reference)s %(title)s") % {
            "reference": order.reference or _("Draft"), "title": order.title},
        body="\n".join([
            _("As %(role)s you are consulted (K) on “%(activity)s” for the order “%(title)s” "
              "of %(department)s, according to version %(number)s of the HUKI matrix.") % {
                "role": task.role.name, "activity": task.activity.name, "title": order.title,
                "department": order.department.name, "number": task.version.number},
            "",
            _("Answer on the order's page: %(url)s") % {"url": _order_url(order)},
        ]),
        dedupe_key=f"huki-consultation-{task.pk}",
    )


def consultation_answer(*, task_id: int, actor: User, answer: str) -> ConsultationTask:
    """Someone holding the consulted role answers; the handler is told."""
    if not answer.strip():
        raise MatrixError(_("Write your answer."), field="answer")
    with transaction.atomic():
        try:
            task = (
                ConsultationTask.objects.select_for_update(of=("self",))
                .select_related("order", "order__department", "order__handler", "role",
                                "activity")
                .get(pk=task_id)
            )
        except ConsultationTask.DoesNotExist as exc:
            raise NotAllowed(_("The consultation does not exist.")) from exc
        if task.status != ConsultationTask.Status.OPEN:
            raise StaleDraft(
                _("%(person)s has already answered this consultation.")
                % {"person": task.answered_by or _("someone else")}
            )
        if not can_answer(actor, task):
            raise NotAllowed(
                _("Only %(role)s can answer this consultation.") % {"role": task.role.name}
            )
        task.status = ConsultationTask.Status.ANSWERED
        task.answer = answer.strip()
        task.answered_by = actor
        task.answered_at = timezone.now()
        task._history_user = actor
        task.save()
        order = task.order
        if order.handler_id and order.handler_id != actor.pk:
            with translation.override(settings.LANGUAGE_CODE):
                outbox_enqueue(
                    recipients=[order.handler.email],
                    subject=_("Consultation answered: %(reference)s %(title)s") % {
                        "reference": order.reference or _("Draft"), "title": order.title},
                    body="\n".join([
                        _("%(person)s answered as %(role)s on “%(activity)s”:") % {
                            "person": actor, "role": task.role.name,
                            "activity": task.activity.name},
                        "",
                        task.answer,
                        "",
                        _("Open the order: %(url)s") % {"url": _order_url(order)},
                    ]),
                    dedupe_key=f"huki-consultation-{task.pk}-answered",
                )
        return task
