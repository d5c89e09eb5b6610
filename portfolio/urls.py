"""The portfolio's addresses, under /portfolj/."""

from django.urls import path

from .views import overview, projects, ranking

app_name = "portfolio"

urlpatterns = [
    # The one ranked portfolio and the record of its changes.
    path("", ranking.ranking, name="ranking"),
    path("rangordning/lagg-till/", ranking.order_add, name="order_add"),
    path("rangordning/<int:entry_pk>/", ranking.entry_tools, name="entry_tools"),
    path("rangordning/<int:entry_pk>/flytta/", ranking.entry_move, name="entry_move"),
    path("rangordning/<int:entry_pk>/ta-bort/", ranking.entry_remove, name="entry_remove"),
    path("rangordning/historik/", ranking.rank_history, name="rank_history"),
    # Projects.
    path("projekt/", projects.project_list, name="projects"),
    path("projekt/ny/", projects.project_create, name="project_create"),
    path("projekt/fran-bestallning/<int:order_pk>/", projects.project_create,
         name="project_from_order"),
    path("projekt/<int:pk>/", projects.project_detail, name="project"),
    path("projekt/<int:pk>/andra/", projects.project_edit, name="project_edit"),
    path("projekt/<int:pk>/statusrapport/", projects.report_edit, name="report"),
    path("projekt/<int:pk>/milstolpar/", projects.milestone_add, name="milestone_add"),
    path("projekt/<int:pk>/milstolpar/<int:milestone_pk>/uppnadd/", projects.milestone_done,
         name="milestone_done"),
    path("projekt/<int:pk>/milstolpar/<int:milestone_pk>/ta-bort/", projects.milestone_remove,
         name="milestone_remove"),
    path("projekt/<int:pk>/bestallningar/", projects.order_link, name="order_link"),
    path("projekt/<int:pk>/bestallningar/<int:order_pk>/ta-bort/", projects.order_unlink,
         name="order_unlink"),
    # The year's timeline and the IT chief's dashboard.
    path("tidplan/", overview.timeline, name="timeline"),
    path("oversikt/", overview.dashboard, name="dashboard"),
    path("oversikt/utskrift/", overview.dashboard_print, name="dashboard_print"),
    path("oversikt/export/<slug:table>.<str:fmt>", overview.dashboard_export,
         name="dashboard_export"),
    path("ledningsgrupp.pdf", overview.management_report, name="management_report"),
]
