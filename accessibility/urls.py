"""The accessibility statement at its fixed address, /tillganglighet/."""

from django.urls import path

from . import views

app_name = "accessibility"

urlpatterns = [
    path("", views.statement, name="statement"),
]
