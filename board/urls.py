from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("nytt-mote/", views.meeting_create, name="meeting_create"),
    path("kalender/<str:token>.ics", views.feed, name="feed"),
    path("min-kalender/", views.my_calendar, name="my_calendar"),
    path("paminnelser/", views.reminder_list, name="reminders"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/andra/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/stall-in/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/ledamoter/", views.members_edit, name="members"),
    path("<int:pk>/skicka-dagordning/", views.send_agenda, name="send_agenda"),
    path("<int:pk>/punkter/", views.item_add, name="item_add"),
    path("<int:pk>/delegerade-beslut/", views.delegations, name="delegations"),
    path("<int:pk>/punkter/<int:item_pk>/underlag/", views.item_brief, name="item_brief"),
    path("<int:pk>/punkter/<int:item_pk>/ta-bort/", views.item_remove, name="item_remove"),
    path("<int:pk>/punkter/<int:item_pk>/flytta/", views.item_move, name="item_move"),
    path("<int:pk>/punkter/<int:item_pk>/", views.item_update, name="item_update"),
    path("<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("<int:pk>/protokoll/narvaro/", views.attendance, name="attendance"),
    path("<int:pk>/protokoll/justerare/", views.adjuster, name="adjuster"),
    path("<int:pk>/protokoll/punkter/<int:item_pk>/beslut/", views.decision, name="decision"),
    path("<int:pk>/protokoll/signera/", views.sign, name="sign"),
    path("<int:pk>/protokoll/rattelse/", views.correct, name="correct"),
    path("<int:pk>/utskrift/", views.meeting_print, name="print"),
    path("<int:pk>/mote.pdf", views.meeting_pdf_view, name="pdf"),
    path("<int:pk>/mote.ics", views.meeting_ics_view, name="ics"),
]
