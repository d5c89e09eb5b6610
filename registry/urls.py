"""The register (diarium) of orders and meetings, under /diarium/."""

from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.register, name="register"),
    path("<int:year>/export.<str:fmt>", views.register_export, name="export"),
]
