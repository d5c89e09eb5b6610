"""How every view shows a refused write (tyreso_it.core.views.show_refusal)."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from tyreso_it.core.errors import ServiceError
from tyreso_it.core.views import show_refusal


class Conflict(ServiceError):
    status_code = 409


class NoteForm(forms.Form):
    SERVICE_FIELDS = {"body": "text"}

    title = forms.CharField()
    text = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _bound() -> NoteForm:
    form = NoteForm({"title": "x", "text": "y"})
    assert form.is_valid()
    return form


def test_a_refusal_goes_beside_its_field_with_its_status():
    form = _bound()
    assert show_refusal(_request(), Conflict("Taken.", field="title"), form) == 409
    assert form.errors == {"title": ["Taken."]}


def test_a_refusal_for_a_field_the_form_names_otherwise_goes_beside_that_field():
    form = _bound()
    show_refusal(_request(), ServiceError("Write something.", field="body"), form)
    assert form.errors == {"text": ["Write something."]}


def test_a_refusal_for_no_field_of_the_form_goes_on_the_form_or_beside_the_fallback():
    form = _bound()
    assert show_refusal(_request(), ServiceError("No.", field="elsewhere"), form) == 400
    assert form.non_field_errors() == ["No."]
    form = _bound()
    show_refusal(_request(), ServiceError("Not yours."), form, fallback="text")
    assert form.errors == {"text": ["Not yours."]}


def test_without_a_form_the_refusal_is_told_as_a_message():
    request = _request()
    assert show_refusal(request, Conflict("Someone was first.")) == 409
    assert [str(m) for m in get_messages(request)] == ["Someone was first."]
