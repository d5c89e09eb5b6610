from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.<str:fmt>", views.order_export, name="export"),
    path("ny/", views.order_create, name="create"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/andra/", views.order_edit, name="edit"),
    path("<int:pk>/beredning/", views.order_prepare, name="prepare"),
    path("<int:pk>/alternativ/", views.option_add, name="option_add"),
    path("<int:pk>/alternativ/<int:option_pk>/ta-bort/", views.option_delete, name="option_delete"),
    path("<int:pk>/kommentar/", views.comment_add, name="comment_add"),
    path("<int:pk>/bilagor/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/bilagor/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/sekretess/", views.secrecy_mark, name="secrecy_mark"),
    path("<int:pk>/sekretess/hav/", views.secrecy_unmark, name="secrecy_unmark"),
    path("<int:pk>/handlaggare/", views.assign_handler, name="assign_handler"),
    path("<int:pk>/<slug:action>/", views.order_transition, name="transition"),
]
