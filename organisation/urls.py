"""Logging in and out, with a password and through the municipality's identity provider.

The single sign-on routes are always there and answer 404 while it is not configured."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

urlpatterns = [
    path("konto/logga-in/", login_not_required(views.LoginView.as_view()), name="login"),
    path("konto/logga-ut/", views.LogoutView.as_view(), name="logout"),
    # The names are mozilla-django-oidc's (its renewal middleware reverses them).
    path("oidc/authenticate/", login_not_required(views.OIDCAuthenticateView.as_view()),
         name="oidc_authentication_init"),
    path("oidc/callback/", login_not_required(views.OIDCCallbackView.as_view()),
         name="oidc_authentication_callback"),
    path("oidc/logout/", views.LogoutView.as_view(), name="oidc_logout"),
]
