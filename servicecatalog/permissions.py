"""Who may read and write the catalogue.

Every logged-in employee reads it (the intranet, §6.5.5). The ordering function edits all of
it; a service's system owner and system manager edit that service and its plans. Internal
fields (costs, internal notes, contract values) are shown only to the ordering function, the
IT chief and change manager, the service's owner and manager and the owning department.
"""

from organisation.models import User
from organisation.predicates import is_ordering_function, sees_all
from organisation.selectors import standing_of

from .models import Service


def can_edit_catalogue(user: User) -> bool:
    """Create services, suppliers, contracts and integrations: the ordering function."""
    return user.is_authenticated and (user.is_superuser or is_ordering_function(user))


def can_edit_service(user: User, service: Service) -> bool:
    return can_edit_catalogue(user) or (
        user.is_authenticated and user.pk in {service.system_owner_id, service.system_manager_id}
    )


def sees_internal(user: User, service: Service) -> bool:
    if not user.is_authenticated:
        return False
    if sees_all(user) or can_edit_service(user, service):
        return True
    # The department's members (its IT lead belongs too).
    return service.department_id is not None and (
        service.department_id in standing_of(user).member
    )


def sees_contract_values(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or sees_all(user))
