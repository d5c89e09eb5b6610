"""IT's costs and their sharing among the departments, under /it-kostnader/."""

from django.urls import path

from . import views

app_name = "costs"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.year_create, name="year_create"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/export.<str:fmt>", views.year_export, name="year_export"),
    path("<int:year>/kostnader/", views.item_list, name="items"),
    path("<int:year>/kostnader/export.<str:fmt>", views.item_list, name="items_export"),
    path("<int:year>/nycklar/", views.keys_edit, name="keys"),
    path("<int:year>/poster/ny/", views.pool_create, name="pool_create"),
    path("<int:year>/poster/<int:pk>/", views.pool_edit, name="pool_edit"),
    path("<int:year>/poster/<int:pk>/ta-bort/", views.pool_delete, name="pool_delete"),
    path("<int:year>/faststall/", views.publish, name="publish"),
    path("<int:year>/forvaltningar/<int:department>/", views.department_report,
         name="department"),
    path("<int:year>/forvaltningar/<int:department>/export.<str:fmt>",
         views.department_export, name="department_export"),
]
