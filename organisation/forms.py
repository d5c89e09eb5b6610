"""Forms of the organisation: the login."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .backends import password_login_allowed, passwords_restricted


class LoginForm(AuthenticationForm):
    """Django's login form, which says so when password login is switched off for the account
    (single sign-on with LOCAL_PASSWORDS=break-glass) instead of calling the password wrong."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "sso_only": _("Password login is switched off: log in with the municipality's "
                      "account."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and passwords_restricted():
            user = get_user_model()._default_manager.filter(username=username).first()
            if user is None or not password_login_allowed(user):
                raise ValidationError(self.error_messages["sso_only"], code="sso_only")
        return super().clean()
