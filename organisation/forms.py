"""Forms of the organisation: the login."""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .backends import passwords_restricted


class LoginForm(AuthenticationForm):
    """Django's login form. With single sign-on and LOCAL_PASSWORDS=break-glass the backend
    refuses every password login but the break-glass accounts' (`organisation.backends`),
    and a refused login says so, without telling which accounts may: that would name them."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if passwords_restricted():
            self.error_messages = {
                **self.error_messages,
                "invalid_login": _(
                    "Please enter a correct %(username)s and password. Password login is "
                    "kept for the emergency accounts only: everyone else logs in with the "
                    "municipality's account."
                ),
            }
