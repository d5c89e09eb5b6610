"""Fields that must be filled in are marked on the project's forms: the field's wrapper is
marked (the stylesheet puts an asterisk after the label), the widget carries `required`, and
a line at the top of the form explains the asterisk; optional fields carry none of it."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.orders.test_views import Element, html

NOTE = "Fält markerade med * måste fyllas i."

pytestmark = pytest.mark.django_db


def _wrapper(page: Element, field_id: str) -> Element:
    """The `div.field` around the field's label and widget."""
    node = page.by_id(field_id).parent
    while node is not None and "field" not in (node.attrs.get("class") or "").split():
        node = node.parent
    assert node is not None, field_id
    return node


def _marked(page: Element, field_id: str) -> bool:
    wrapper = _wrapper(page, field_id)
    marked = "field-required" in wrapper.attrs["class"].split()
    widget_required = "required" in page.by_id(field_id).attrs
    assert marked == widget_required or not widget_required, field_id
    return marked


def _get(client, user, url):
    client.force_login(user)
    with translation.override("sv"):
        response = client.get(url)
    assert response.status_code == 200
    return html(response)


def test_the_order_form_marks_what_must_be_filled_in(client, orderer):
    page = _get(client, orderer, reverse("orders:create"))
    notes = page.find_all("p", class_="required-note")
    assert [n.text() for n in notes] == [NOTE]
    for field_id in ("id_title", "id_kind", "id_need"):
        assert _marked(page, field_id), field_id
        assert "required" in page.by_id(field_id).attrs
    for field_id in ("id_service", "id_desired_date", "id_one_off_cost", "id_lifetime_years"):
        assert not _marked(page, field_id), field_id
        assert "required" not in page.by_id(field_id).attrs


def test_the_supplier_form_marks_only_the_name(client, coordinator):
    page = _get(client, coordinator, reverse("servicecatalog:supplier_create"))
    assert [n.text() for n in page.find_all("p", class_="required-note")] == [NOTE]
    assert _marked(page, "id_name")
    for field_id in ("id_organisation_number", "id_contact_name", "id_contact_email",
                     "id_contact_phone"):
        assert not _marked(page, field_id), field_id


class _Optional(forms.Form):
    note = forms.CharField(required=False)
    fixed = forms.CharField(disabled=True)
    hidden = forms.CharField(widget=forms.HiddenInput)


class _OneRequired(_Optional):
    name = forms.CharField()


def test_the_note_is_written_only_for_a_form_with_a_field_to_fill_in():
    template = Template("{% load form_notes %}{% required_note form %}")
    with translation.override("sv"):
        assert template.render(Context({"form": _Optional()})).strip() == ""
        assert NOTE in template.render(Context({"form": _OneRequired()}))
