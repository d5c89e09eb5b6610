"""The project's routes plus a stand-in for the board's meeting page (see conftest.py)."""

from django.http import HttpResponse
from django.urls import include, path

from tyreso_it.urls import urlpatterns as project_urlpatterns


def meeting(request, pk):
    return HttpResponse(str(pk))


board_patterns = ([path("<int:pk>/", meeting, name="meeting")], "board")

urlpatterns = [*project_urlpatterns, path("bit/", include(board_patterns))]
