"""What decides a person's access, connected to the access cache's generation
(`organisation.access.bump`): permissions, groups and roles, the register of authorised
orderers and the departments (their IT leads), provider staff, and the board's meetings
(chair and members)."""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from . import access
from .models import Department, OrdererRegistration, Provider, Role, User

# Any write or delete of these rows changes someone's access (a department's too: its name
# and whether it is active are offered from the cache as choices).
for model in (Group, Permission, Role, Department, OrdererRegistration):
    post_save.connect(access.bump, sender=model, dispatch_uid=f"access_save_{model.__name__}")
for model in (
    User,
    Group,
    Permission,
    Role,
    Department,
    OrdererRegistration,
    Provider,
    "board.Meeting",
    "board.MeetingMember",
):
    name = model if isinstance(model, str) else model.__name__
    post_delete.connect(access.bump, sender=model, dispatch_uid=f"access_delete_{name}")
for through in (
    User.groups.through,
    User.user_permissions.through,
    Group.permissions.through,
    Provider.members.through,
):
    m2m_changed.connect(access.bump, sender=through,
                        dispatch_uid=f"access_m2m_{through.__name__}")
# Data changed by a migration is not announced row by row.
post_migrate.connect(access.bump, dispatch_uid="access_migrate")


def _changes(update_fields, fields: set[str]) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


@receiver(post_save, sender=User, dispatch_uid="access_save_User")
def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    # A new person has nothing cached yet, and logging in writes last_login only: neither
    # changes anyone's cached access.
    if not created and _changes(update_fields, {f.attname for f in User._meta.concrete_fields}
                                - {"last_login"}):
        access.bump()


@receiver(post_save, sender="board.Meeting", dispatch_uid="access_save_Meeting")
def _meeting_saved(sender, instance, created, update_fields=None, **kwargs):
    # Who chairs a meeting may use the board's pages; its other changes decide nothing.
    if created or _changes(update_fields, {"chair", "chair_id"}):
        access.bump()


@receiver(post_save, sender="board.MeetingMember", dispatch_uid="access_save_MeetingMember")
def _member_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _changes(update_fields, {"person", "person_id"}):
        access.bump()
