"""The catalogue itself, its services, the system map and the import."""

from django.urls import path

from .views import catalogue, systemmap

urlpatterns = [
    path("", catalogue.service_list, name="service_list"),
    path("exportera.<str:fmt>", catalogue.service_export, name="service_export"),
    path("ny/", catalogue.service_create, name="service_create"),
    path("<int:pk>/", catalogue.service_detail, name="service"),
    path("<int:pk>/andra/", catalogue.service_edit, name="service_edit"),
    path("<int:pk>/utskrift/", catalogue.service_print, name="service_print"),
    path("systemkarta/", systemmap.systemmap, name="systemmap"),
    path("systemkarta/exportera.<str:fmt>", systemmap.systemmap_export,
         name="systemmap_export"),
    path("integrationer/ny/", systemmap.integration_create, name="integration_create"),
    path("integrationer/<int:pk>/andra/", systemmap.integration_edit, name="integration_edit"),
    path("integrationer/<int:pk>/ta-bort/", systemmap.integration_delete,
         name="integration_delete"),
    path("import/", catalogue.import_upload, name="import"),
    path("import/bekrafta/", catalogue.import_confirm, name="import_confirm"),
    path("import/mall-<slug:slug>.<str:fmt>", catalogue.import_template,
         name="import_template"),
]
