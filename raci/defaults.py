"""The proposed default matrix, drawn from the report's role descriptions (§5.2) and processes
(§6.5): the municipality's starting point, which the process owner then adjusts.

Each activity names the roles that may hold its H (the roles that act on it; for the order
flow's steps exactly those the product lets take the step) and its letters. `default_seed`
writes it as version 1 on the first migrate, and adds activities a later release brings,
without ever touching a matrix the municipality has edited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from organisation.models import Role

from .models import Activity, Cell, MatrixVersion, Process

R = Role.Code
O, L = R.ORDERER, R.DEPARTMENT_IT_LEAD  # noqa: E741 - one letter per role keeps rows readable
C, Q, A, D = R.IT_COORDINATOR, R.REQUIREMENTS_ANALYST, R.IT_ARCHITECT, R.DELIVERY_MANAGER
M, X, Y = R.CHANGE_MANAGER, R.IT_CHIEF, R.DEPUTY_IT_CHIEF
P, S, V = R.IT_OPERATIONS_MANAGER, R.SERVICE_DESK, R.PROVIDER

# Who can act on what, and so may answer for it (H): the orderer's side for its own steps;
# the ordering function (the change manager belongs to it) for preparation and planning; the
# change manager, who chairs the board, and the IT chief, who holds the mandate, for decisions;
# the provider, IT operations and the delivery manager, who answers for the whole delivery,
# for carrying out. One letter per cell: the role that answers (H) is never also the one doing
# the work (U), so every row names both.
ORDERER_SIDE = (O, L)
ORDERING_FUNCTION = (C, Q, A, D, M)
DECIDES = (M, X)
CARRIES_OUT = (V, P, D)
OPERATIONS = (P, X)
MANAGEMENT = (X, Y)


@dataclass(frozen=True)
class DefaultActivity:
    code: str
    process: str
    name: object  # a lazy translation
    may_lead: tuple[str, ...]
    letters: dict[str, str]


def _a(code, process, name, may_lead, **letters) -> DefaultActivity:
    """`letters` as H=role, U=(roles), K=(roles), I=(roles); a role gets one letter."""
    cells: dict[str, str] = {}
    for letter, roles in letters.items():
        for role in (roles,) if isinstance(roles, str) else roles:
            if role in cells:
                raise ValueError(f"{code}: {role} has two letters")
            cells[role] = letter
    return DefaultActivity(code, process, name, tuple(may_lead), cells)


PR = Process
DEFAULT_ACTIVITIES: tuple[DefaultActivity, ...] = (
    # Ordering: the authorised orderer states the need, not a solution (§6.2); the
    # department's coordinating IT lead answers for the department's orders (§3).
    _a("ordering-need", PR.ORDERING, _("Describe the need and the functional requirements"),
       ORDERER_SIDE, H=L, U=O, K=(C, Q)),
    _a("ordering-prestudy", PR.ORDERING, _("Estimate benefit against lifecycle cost"),
       ORDERER_SIDE, H=L, U=O, K=C),
    _a("ordering-submit", PR.ORDERING, _("Submit the order"),
       ORDERER_SIDE, H=L, U=O, I=C),
    _a("ordering-supplement", PR.ORDERING, _("Answer a supplement request"),
       ORDERER_SIDE, H=L, U=O),
    _a("ordering-withdraw", PR.ORDERING, _("Withdraw an order"),
       ORDERER_SIDE, H=L, U=O, I=(C, M)),
    _a("ordering-coordinate", PR.ORDERING,
       _("Coordinate the department's orders and priorities"),
       ORDERER_SIDE, H=L, U=(O, C)),
    # Preparation (beredning): the change manager answers for it (§5.2.2), the ordering
    # function does it (§6.5.3).
    _a("preparation-take-on", PR.PREPARATION, _("Take on a submitted order and name a handler"),
       ORDERING_FUNCTION, H=M, U=C),
    _a("preparation-request-supplement", PR.PREPARATION, _("Ask the orderer for a supplement"),
       ORDERING_FUNCTION, H=M, U=C, K=Q),
    _a("preparation-requirements", PR.PREPARATION,
       _("Turn the need into IT requirements"),
       ORDERING_FUNCTION, H=C, U=Q, K=(O, A), I=L),
    _a("preparation-architecture", PR.PREPARATION,
       _("Review the architecture and information security"),
       ORDERING_FUNCTION, H=M, U=A, K=P, I=Q),
    _a("preparation-estimate", PR.PREPARATION,
       _("Estimate cost, effort, benefit and risk; score the priority"),
       ORDERING_FUNCTION, H=M, U=(C, Q), K=(A, D, P)),
    _a("preparation-brief", PR.PREPARATION,
       _("Complete the decision brief and mark it ready for decision"),
       ORDERING_FUNCTION, H=M, U=C, K=(A, P), I=D),
    # Decision in Beslutsråd IT, chaired by the change manager (§5.2.2, §6.5.2).
    _a("decision-agenda", PR.DECISION, _("Prepare and send the agenda of Beslutsråd IT"),
       DECIDES, H=M, U=C, I=(X, Y)),
    _a("decision-board", PR.DECISION,
       _("Decide in Beslutsråd IT: approve, reject, defer or return"),
       DECIDES, H=X, U=M, K=L, I=(D, Y)),
    _a("decision-delegated", PR.DECISION,
       _("Approve by delegation, below the board's threshold"),
       DECIDES, H=X, U=M, I=D),
    _a("decision-minutes", PR.DECISION, _("Adjust the minutes and send out the decisions"),
       DECIDES, H=M, U=C, I=(X, L)),
    # Delivery: planned by the ordering function, carried out by the provider, followed up by
    # the delivery manager (§5.2.2, §5.2.3).
    _a("delivery-plan", PR.DELIVERY, _("Plan the order: priority, provider and dates"),
       ORDERING_FUNCTION, H=D, U=C, K=P, I=M),
    _a("delivery-start", PR.DELIVERY, _("Start carrying out the order"),
       CARRIES_OUT, H=D, U=V, I=C),
    _a("delivery-deliver", PR.DELIVERY, _("Report the order delivered"),
       CARRIES_OUT, H=D, U=V, I=(S, M)),
    _a("delivery-accept", PR.DELIVERY, _("Accept the delivery"),
       ORDERER_SIDE, H=L, U=O, I=(V, D)),
    _a("delivery-deviation", PR.DELIVERY, _("Report a deviation from the order"),
       ORDERER_SIDE, H=L, U=O, I=(M, D)),
    _a("delivery-follow-up", PR.DELIVERY,
       _("Follow up deliveries from internal and external providers"),
       (D, M), H=M, U=D, K=V),
    # System management (§6.4, §6.5.6–6.5.8).
    _a("management-plan", PR.SYSTEM_MANAGEMENT,
       _("Write and review each system's yearly management plan"),
       (L, P, M), H=L, U=P, K=A, I=M),
    _a("management-continuity", PR.SYSTEM_MANAGEMENT,
       _("Plan continuity for disaster scenarios"),
       (A, P), H=A, U=P, K=L, I=X),
    _a("management-system-map", PR.SYSTEM_MANAGEMENT,
       _("Keep the system map and the integrations up to date"),
       (A, P), H=A, U=P, K=L, I=M),
    _a("management-catalogue", PR.SYSTEM_MANAGEMENT, _("Maintain the service catalogue"),
       (M, D), H=M, U=D, K=P, I=S),
    _a("management-portfolio", PR.SYSTEM_MANAGEMENT,
       _("Maintain and report the project portfolio"),
       (M,), H=M, U=C, K=D, I=(X, Y)),
    _a("management-operations", PR.SYSTEM_MANAGEMENT,
       _("Operate and maintain the infrastructure and common IT services"),
       OPERATIONS, H=P, U=V, I=S),
    _a("management-security", PR.SYSTEM_MANAGEMENT,
       _("Plan and implement information security"),
       (A, P, X), H=A, U=P, K=L, I=X),
    # Incident and problem handling (§5.2.3, §6.5.9).
    _a("incident-register", PR.INCIDENT_PROBLEM, _("Receive and register incidents"),
       OPERATIONS, H=P, U=S),
    _a("incident-resolve", PR.INCIDENT_PROBLEM,
       _("Resolve incidents in the second and third line"),
       OPERATIONS, H=P, U=V, I=S),
    _a("incident-major", PR.INCIDENT_PROBLEM, _("Inform about major disruptions"),
       OPERATIONS, H=P, U=S, I=(L, X, C)),
    _a("problem-root-cause", PR.INCIDENT_PROBLEM,
       _("Analyse root causes and follow up the actions"),
       OPERATIONS, H=P, U=V, K=(S, A), I=M),
    _a("incident-on-call", PR.INCIDENT_PROBLEM, _("Organise the IT on-call service"),
       OPERATIONS, H=P, U=V, I=(X, S)),
    # Change handling (§5.2.2, §6.5.9).
    _a("change-register", PR.CHANGE, _("Register and classify change requests"),
       (M,), H=M, U=C, K=P, I=S),
    _a("change-assess", PR.CHANGE,
       _("Assess the impact, risk, benefit and cost of a change"),
       (M,), H=M, U=(A, P), K=L),
    _a("change-approve", PR.CHANGE, _("Approve changes to systems in operation"),
       (M, X), H=M, U=P, I=(S, L)),
    _a("change-implement", PR.CHANGE, _("Implement approved changes in operation"),
       OPERATIONS, H=P, U=V, I=(S, M)),
    _a("change-process", PR.CHANGE,
       _("Develop the change management process and its roles"),
       (M, Y), H=Y, U=M, K=P),
    # Service desk (§5.2.3, §6.5.9).
    _a("desk-receive", PR.SERVICE_DESK, _("Receive and register requests from users"),
       OPERATIONS, H=P, U=S),
    _a("desk-guide", PR.SERVICE_DESK,
       _("Guide users to the service catalogue and the order flow"),
       (C, P), H=C, U=S, I=L),
    _a("desk-escalate", PR.SERVICE_DESK, _("Escalate requests to specialists or suppliers"),
       OPERATIONS, H=P, U=S, I=V),
    _a("desk-on-site", PR.SERVICE_DESK, _("Support users on site"),
       OPERATIONS, H=P, U=S),
    _a("desk-key-figures", PR.SERVICE_DESK, _("Follow up the service desk's key figures"),
       (D, P), H=D, U=P, K=S, I=X),
    # Procurement and supplier management (§5.2.2, §6.5.10–6.5.12).
    _a("procurement-requirements", PR.PROCUREMENT,
       _("Set the IT requirements of a procurement"),
       (D,), H=D, U=Q, K=(A, L), I=X),
    _a("procurement-contracts", PR.PROCUREMENT,
       _("Keep contracts and licences and watch their notice dates"),
       (D, X), H=X, U=D, I=M),
    _a("procurement-sla", PR.PROCUREMENT, _("Follow up service level agreements"),
       (D,), H=D, U=P, K=V, I=L),
    _a("procurement-supplier-meetings", PR.PROCUREMENT,
       _("Hold supplier governance meetings"),
       (D,), H=D, U=C, K=(V, P)),
    _a("procurement-consultants", PR.PROCUREMENT, _("Procure consultants for IT staffing"),
       (D, X), H=X, U=D),
    _a("procurement-economy", PR.PROCUREMENT,
       _("Develop IT's economic steering model and key figures"),
       MANAGEMENT, H=X, U=D, K=Y, I=M),
    # Governance: the strategic roles (§5.2.1, §6.5.1, §6.5.6). The IT chief owns the
    # processes; the deputy, as process leader, develops them.
    _a("governance-strategy", PR.GOVERNANCE,
       _("Draw up the three-year IT direction and the one-year plan"),
       MANAGEMENT, H=X, U=A, K=(Y, L), I=M),
    _a("governance-processes", PR.GOVERNANCE,
       _("Develop the processes, governing documents and this HUKI matrix"),
       MANAGEMENT, H=X, U=Y, K=(M, P)),
    _a("governance-forums", PR.GOVERNANCE,
       _("Lead the process forum and the meetings between orderers and providers"),
       (Y, C), H=Y, U=C, K=L, I=V),
    _a("governance-report", PR.GOVERNANCE,
       _("Report status and strategic decisions to the management group"),
       MANAGEMENT, H=X, U=M, K=Y),
    _a("governance-budget", PR.GOVERNANCE, _("Answer for IT's budget, operations and staff"),
       MANAGEMENT, H=X, U=(Y, P)),
)


@transaction.atomic
def default_seed() -> MatrixVersion | None:
    """Create the default activities that are missing and, on a database with no version at
    all, publish the default matrix as version 1. Idempotent: safe on every migrate.

    Returns version 1 when it was created now, else None.
    """
    from organisation.roles import roles_sync

    if not Role.objects.exists():
        roles_sync()
    roles = {role.code: role for role in Role.objects.all()}
    existing = set(Activity.objects.values_list("code", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        for position, spec in enumerate(DEFAULT_ACTIVITIES, start=1):
            if spec.code in existing:
                continue
            activity = Activity.objects.create(
                code=spec.code, process=spec.process, name=str(spec.name),
                position=position * 10,
            )
            activity.accountable_roles.set([roles[code] for code in spec.may_lead])
    if MatrixVersion.objects.exists():
        return None
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        note = str(_("The proposed default matrix, drawn from the report's role "
                     "descriptions (§5.2) and processes (§6.5)."))
    version = MatrixVersion.objects.create(
        number=1, status=MatrixVersion.Status.PUBLISHED, note=note, published_at=now,
        saved_at=now,
    )
    by_code = Activity.objects.in_bulk([spec.code for spec in DEFAULT_ACTIVITIES],
                                       field_name="code")
    bulk_create_with_history(
        [
            Cell(version=version, activity=by_code[spec.code], role=roles[role_code],
                 letter=letter)
            for spec in DEFAULT_ACTIVITIES
            for role_code, letter in spec.letters.items()
        ],
        Cell,
    )
    return version
