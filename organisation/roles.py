"""Which model permissions each role's group carries.

Roles that see or act on every order get it from a model permission on their group. Rights
tied to one department come from the register of authorised orderers and the departments' IT
leads, a provider's from its staff, and the sight of one order from the HUKI roles it was
shown to (`organisation.selectors.standing_of`): none is a permission row per person.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation

from . import access
from .models import Role

ORDERING_FUNCTION = (
    Role.Code.IT_COORDINATOR,
    Role.Code.REQUIREMENTS_ANALYST,
    Role.Code.IT_ARCHITECT,
    Role.Code.DELIVERY_MANAGER,
)

#: The roles whose people on an order are the order's own (its orderer, its department's IT
#: lead, its provider's staff), never everyone who holds the role in the municipality.
CONTEXTUAL_ROLES = frozenset({Role.Code.ORDERER, Role.Code.DEPARTMENT_IT_LEAD, Role.Code.PROVIDER})

#: SPEC "Permissions": "The service desk holds no right on orders", not even through the HUKI
#: matrix: it is told what happens, never shown the order.
NO_ORDER_RIGHTS = frozenset({Role.Code.SERVICE_DESK})

#: The roles a HUKI step can show an order to (raci.OrderRoleSight): every group role but the
#: contextual ones and those without rights on orders.
SIGHT_EXCLUDED = CONTEXTUAL_ROLES | NO_ORDER_RIGHTS

#: The register (diarium) of orders and meetings: the ordering function and the IT chiefs read
#: it through their roles; the municipality's registrar, who holds no role here, is given the
#: permission itself by an administrator.
REGISTER = "orders.view_register"

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    **{
        code: ("orders.view_all_orders", "orders.prepare_order", REGISTER)
        for code in ORDERING_FUNCTION
    },
    Role.Code.CHANGE_MANAGER: (
        "orders.view_all_orders",
        "orders.prepare_order",
        "orders.decide_order",
        REGISTER,
    ),
    Role.Code.IT_CHIEF: ("orders.view_all_orders", REGISTER),
    Role.Code.DEPUTY_IT_CHIEF: ("orders.view_all_orders", REGISTER),
    Role.Code.IT_OPERATIONS_MANAGER: (),
    Role.Code.SERVICE_DESK: (),
    Role.Code.PROVIDER: (),
    Role.Code.ORDERER: (),
    Role.Code.DEPARTMENT_IT_LEAD: (),
}

ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.Code.ORDERER: "Förvaltningens beställare: skriver och skickar in beställningar.",
    Role.Code.DEPARTMENT_IT_LEAD: "Samordnande IT-ansvarig på förvaltningen.",
    Role.Code.IT_COORDINATOR: "Beställarfunktionen: tar emot, bereder och planerar.",
    Role.Code.REQUIREMENTS_ANALYST: "Beställarfunktionen: gör behov till IT-krav.",
    Role.Code.IT_ARCHITECT: "Beställarfunktionen: granskar arkitekturen.",
    Role.Code.DELIVERY_MANAGER: "Beställarfunktionen: ansvarar för leverantörer och leveranser.",
    Role.Code.CHANGE_MANAGER: "Ändringsansvarig och projektcontroller; ordförande i BIT.",
    Role.Code.IT_CHIEF: "Följer portföljen och rapporterar till ledningsgruppen.",
    Role.Code.DEPUTY_IT_CHIEF: "Processägare; följer portföljen.",
    Role.Code.IT_OPERATIONS_MANAGER: "Leder IT-driften inom IT-enheten.",
    Role.Code.SERVICE_DESK: "Tar emot ärenden från användare.",
    Role.Code.PROVIDER: "Utför beslutade beställningar.",
}


@transaction.atomic
def roles_sync() -> None:
    """Create every role with its group and give each group exactly its permissions.

    Roles are found by their code, never by a translated name, so running this in any
    language (migrate runs with translations off) creates nothing twice.
    """
    for code, _label in Role.Code.choices:
        role = Role.objects.select_related("group").filter(code=code).first()
        if role is None:
            with translation.override(settings.LANGUAGE_CODE):
                name = str(Role.Code(code).label)
            group, _created = Group.objects.get_or_create(name=name)
            role = Role.objects.create(
                code=code, name=name, group=group, description=ROLE_DESCRIPTIONS.get(code, "")
            )
        wanted = []
        for dotted in ROLE_PERMISSIONS.get(code, ()):
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        role.group.permissions.set(wanted)


def role_codes(user) -> set[str]:
    """The codes of the roles `user` holds through their groups: the one place they are read.
    Kept with the person's access (a change of groups or of a role renews the access token)
    and on the user object for the rest of the request."""
    if not user.is_authenticated:
        return set()
    codes = getattr(user, "_role_codes", None)
    if codes is None:
        codes = user._role_codes = set(access.fact(user, "role-codes", lambda: sorted(
            Role.objects.filter(group__user=user).values_list("code", flat=True))))
    return codes


def user_has_role(user, code: str) -> bool:
    return code in role_codes(user)
