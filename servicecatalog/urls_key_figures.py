"""A service's yearly report of key figures (§6.5.11)."""

from django.urls import path

from .views import key_figures

urlpatterns = [
    path("<int:pk>/nyckeltal/<int:year>/", key_figures.service_report, name="service_report"),
    path("<int:pk>/nyckeltal/<int:year>/export.<str:fmt>", key_figures.service_report_export,
         name="service_report_export"),
]
