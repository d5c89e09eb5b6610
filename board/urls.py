from django.urls import path

from .views import calendars, meeting, meetings, minutes, pack, reminders

app_name = "board"

urlpatterns = [
    path("", meetings.meeting_list, name="meetings"),
    path("nytt-mote/", meetings.meeting_create, name="meeting_create"),
    path("kalender/<str:token>.ics", calendars.feed, name="feed"),
    path("min-kalender/", calendars.my_calendar, name="my_calendar"),
    path("paminnelser/", reminders.reminder_list, name="reminders"),
    path("<int:pk>/", meeting.meeting_detail, name="meeting"),
    path("<int:pk>/andra/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:pk>/stall-in/", meeting.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/ledamoter/", meetings.members_edit, name="members"),
    path("<int:pk>/skicka-dagordning/", meeting.send_agenda, name="send_agenda"),
    path("<int:pk>/punkter/", meeting.item_add, name="item_add"),
    path("<int:pk>/delegerade-beslut/", meeting.delegations, name="delegations"),
    path("<int:pk>/punkter/<int:item_pk>/underlag/", meeting.item_brief, name="item_brief"),
    path("<int:pk>/punkter/<int:item_pk>/ta-bort/", meeting.item_remove, name="item_remove"),
    path("<int:pk>/punkter/<int:item_pk>/flytta/", meeting.item_move, name="item_move"),
    path("<int:pk>/punkter/<int:item_pk>/", meeting.item_update, name="item_update"),
    path("<int:pk>/protokoll/", minutes.minutes, name="minutes"),
    path("<int:pk>/protokoll/narvaro/", minutes.attendance, name="attendance"),
    path("<int:pk>/protokoll/justerare/", minutes.adjuster, name="adjuster"),
    path("<int:pk>/protokoll/punkter/<int:item_pk>/beslut/", minutes.decision, name="decision"),
    path("<int:pk>/protokoll/signera/", minutes.sign, name="sign"),
    path("<int:pk>/protokoll/rattelse/", minutes.correct, name="correct"),
    path("<int:pk>/utskrift/", pack.meeting_print, name="print"),
    path("<int:pk>/mote.pdf", pack.meeting_pdf_view, name="pdf"),
    path("<int:pk>/mote.ics", calendars.meeting_ics_view, name="ics"),
]
