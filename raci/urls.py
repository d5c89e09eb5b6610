from django.urls import path

from . import views

app_name = "raci"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("versioner/", views.version_list, name="versions"),
    path("version/<int:number>/", views.version_detail, name="version"),
    path("version/<int:number>/utskrift/", views.version_print, name="print"),
    path("version/<int:number>/export.<str:fmt>", views.version_export, name="export"),
    path("jamfor/", views.compare, name="compare"),
    path("utkast/", views.draft, name="draft"),
    path("utkast/nytt/", views.draft_start, name="draft_start"),
    path("utkast/publicera/", views.draft_publish, name="draft_publish"),
    path("utkast/kasta/", views.draft_discard, name="draft_discard"),
    path("utkast/importera/", views.draft_import, name="draft_import"),
    path("samrad/<int:pk>/svar/", views.consultation_answer, name="consultation_answer"),
]
