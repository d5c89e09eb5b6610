"""Records and personal data, under /gallring/."""

from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("regler/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("provkorning/", views.dry_run, name="dry_run"),
    path("logg/", views.culling_log, name="culling_log"),
    path("spar/", views.holds, name="holds"),
    path("spar/<int:pk>/hav/", views.hold_lift, name="hold_lift"),
    path("personer/", views.people, name="people"),
    path("personer/<int:pk>/registerutdrag.xlsx", views.person_export, name="person_export"),
    path("personer/<int:pk>/pseudonymisera/", views.person_pseudonymise,
         name="person_pseudonymise"),
]
