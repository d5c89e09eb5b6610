"""Beslutsråd IT's pages: meetings, the agenda with its briefs, the minutes and their
justering, the meeting pack (print and PDF) and the calendars.

A meeting is fetched through `board_visible_meetings`, so one a person may not open is a 404,
the same answer as a missing one. Every change is a POST handed to one service, which decides
who may do it (the chair, mostly) and in which state; its refusal is shown next to the form
with the service's status code. Forms that change a meeting carry the version the person
started from: a meeting changed meanwhile gives 409, with the input kept on the page.
"""
