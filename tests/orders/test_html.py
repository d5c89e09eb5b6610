"""The order table and the order page's history are written in Python (orders.html): the same
markup as the templates they replace, escaped alike, in Swedish as in English."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.template import engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from orders import forms, html, selectors, services
from orders.models import Order
from orders.views import _handlers
from tests.factories import COMPLETE_BRIEF, PRIORITY_VALUES, UserFactory, fresh

pytestmark = pytest.mark.django_db
S = Order.Status

#: The order page's history as its template wrote it before orders.html.timeline_html.
TIMELINE_TEMPLATE = """{% load i18n %}<ol class="timeline">
    {% for entry in timeline.entries %}
    <li class="timeline-{{ entry.kind }}">
      <p class="timeline-meta"><time datetime="{{ entry.at|date:'c' }}">{{ entry.at|date:"j b Y H:i" }}</time> · {{ entry.actor|default:_("the system") }}</p>
      {% if entry.kind == "created" %}
        <p>{% translate "Wrote the draft." %}</p>
      {% elif entry.kind == "event" %}
        <p><strong>{% if entry.event.from_status == entry.event.to_status %}{% blocktranslate trimmed with status=entry.event.get_to_status_display %}{{ status }} (unchanged){% endblocktranslate %}{% else %}{{ entry.event.get_from_status_display }} → {{ entry.event.get_to_status_display }}{% endif %}</strong></p>
        {% if entry.text %}<p class="pre">{{ entry.text }}</p>{% endif %}
        {% if entry.changes %}{% include "includes/changes.html" with changes=entry.changes %}{% endif %}
      {% elif entry.kind == "comment" %}
        <p class="timeline-label">{% translate "Comment" %}</p>
        <p class="pre">{{ entry.text }}</p>
      {% else %}
        <p class="timeline-label">{{ entry.text|default:_("Changed") }}</p>
        {% include "includes/changes.html" with changes=entry.changes %}
      {% endif %}
    </li>
    {% endfor %}
  </ol>"""  # noqa: E501


def same(markup: str) -> str:
    """Markup with the whitespace between tags (which templates leave by their layout)
    dropped, and runs of whitespace inside text made one space."""
    markup = re.sub(r">\s+", ">", str(markup).strip())
    markup = re.sub(r"\s+<", "<", markup)
    return re.sub(r"\s+", " ", markup)


def template_table(orders, caption="", empty="") -> str:
    return render_to_string("includes/order_table.html",
                            {"orders": orders, "caption": caption, "empty": empty})


@pytest.fixture(params=["sv", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


def test_order_table_writes_what_its_template_did(language, make_order, department,
                                                  orderer, coordinator):
    submitted = make_order(S.IN_PREPARATION, title='Boka <lokaler> & "rum"')
    draft = make_order(S.DRAFT, handler=None)
    coordinator.last_name = "<O'Brien>"
    coordinator.save()
    # A time late in the evening: the day shown is Stockholm's, not UTC's.
    Order.objects.filter(pk=submitted.pk).update(
        status_changed_at=timezone.make_aware(timezone.datetime(2025, 3, 31, 23, 30),
                                              timezone.get_fixed_timezone(0)))
    rows = list(selectors.order_list(fresh(orderer)))
    assert {o.pk for o in rows} == {submitted.pk, draft.pk}

    written = html.order_table(rows, "Beställningar", "Inga")
    assert same(written) == same(template_table(rows, "Beställningar", "Inga"))
    assert "Boka &lt;lokaler&gt; &amp; &quot;rum&quot;" in written
    assert "&lt;O&#x27;Brien&gt;" in written
    assert reverse("orders:detail", args=[submitted.pk]) in written
    assert 'datetime="2025-04-01T01:30:00+02:00">1 ' in written
    # Without a caption, and with nothing to show (with and without its own words).
    assert same(html.order_table(rows)) == same(template_table(rows))
    assert same(html.order_table([], "x", "Inget <här>")) == same(
        template_table([], "x", "Inget <här>"))
    assert same(html.order_table([])) == same(template_table([]))


def test_order_tables_on_the_pages_read_only_what_they_show(client, make_order, orderer,
                                                            django_assert_num_queries):
    make_order(S.SUBMITTED)
    rows = list(selectors.order_list(fresh(orderer)))
    with django_assert_num_queries(0):
        html.order_table(rows)
    client.force_login(orderer)
    for url in (reverse("home"), reverse("orders:list")):
        page = client.get(url).content.decode()
        assert '<th scope="col">' in page and "<tbody>" in page


def busy_order(make_order, orderer, coordinator) -> Order:
    order = make_order(S.IN_PREPARATION)
    services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={**COMPLETE_BRIEF, "priority_values": dict(PRIORITY_VALUES),
              "it_requirements": "x" * 120},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    services.comment_add(order_id=order.pk, actor=orderer, body="En <b>kommentar</b>\nmed rader")
    services.order_request_supplement(order_id=order.pk, actor=coordinator, question="Varför?")
    services.order_supplement(order_id=order.pk, actor=orderer, answer="Därför.")
    services.order_update_preparation(
        order_id=order.pk, actor=coordinator,
        data={"estimated_cost": Decimal("12500.50"), "risk_level": "", "it_requirements": ""},
        expected_version=Order.objects.get(pk=order.pk).version,
    )
    # A change on its own, away from any transition.
    later = timezone.now() + timedelta(minutes=5)
    order.history.filter(pk=order.history.latest().pk).update(history_date=later)
    return Order.objects.get(pk=order.pk)


def test_timeline_writes_what_its_template_did(language, make_order, orderer, coordinator):
    order = busy_order(make_order, orderer, coordinator)
    timeline = selectors.order_timeline(selectors.order_detail(fresh(coordinator), order.pk),
                                        recent=None)
    kinds = {entry.kind for entry in timeline.entries}
    assert {"created", "event", "comment", "change"} <= kinds
    assert any(entry.changes for entry in timeline.entries if entry.kind == "event")

    written = html.timeline_html(timeline.entries)
    expected = engines["django"].from_string(TIMELINE_TEMPLATE).render({"timeline": timeline})
    assert same(written) == same(expected)
    assert "En &lt;b&gt;kommentar&lt;/b&gt;" in written
    assert "x" * 79 + "…" in written


def test_timeline_names_the_system_and_an_unchanged_state(language, make_order, orderer,
                                                          coordinator):
    order = make_order(S.SUBMITTED)
    timeline = selectors.order_timeline(selectors.order_detail(fresh(coordinator), order.pk))
    event = next(entry for entry in timeline.entries if entry.kind == "event")
    event.actor = None
    event.event.from_status = event.event.to_status
    written = html.timeline_html(timeline.entries)
    expected = engines["django"].from_string(TIMELINE_TEMPLATE).render({"timeline": timeline})
    assert same(written) == same(expected)


def test_order_page_shows_its_history(client, make_order, orderer, coordinator):
    order = busy_order(make_order, orderer, coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert '<ol class="timeline">' in page
    assert "En &lt;b&gt;kommentar&lt;/b&gt;" in page


def test_handlers_are_those_holding_prepare_order_by_group_or_directly(coordinator, orderer):
    direct = UserFactory(first_name="Direkt")
    direct.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    gone = UserFactory(first_name="Borta", is_active=False)
    gone.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    both = UserFactory(first_name="Båda")
    both.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    both.groups.add(*coordinator.groups.all())

    handlers = list(_handlers())

    assert coordinator in handlers and direct in handlers and both in handlers
    assert gone not in handlers and orderer not in handlers
    assert len(handlers) == len(set(handlers))
    assert [h.first_name for h in handlers] == sorted(h.first_name for h in handlers)


def reason_form(required: bool) -> forms.ReasonForm:
    form = forms.ReasonForm(prefix="withdraw")
    form.fields["reason"].required = required
    return form


def test_unbound_forms_write_the_markup_django_does_and_keep_it(language):
    for required in (True, False):
        kept = html.form_fields(reason_form(required))
        assert html.form_fields(reason_form(required)) is kept
        assert same(kept) == same("".join(
            str(field.as_field_group()) for field in reason_form(required)))
        # Whether the reason is required is part of the markup, and of what is kept.
        assert ("required" in kept) is required
    kept = html.form_html(forms.OptionForm())
    assert html.form_html(forms.OptionForm()) is kept
    assert same(kept) == same(str(forms.OptionForm()))
    kept = html.form_fields(forms.CommentForm())
    assert same(kept) == same(str(forms.CommentForm()["body"].as_field_group()))


def test_bound_and_database_backed_forms_are_written_afresh(language, coordinator):
    bound = forms.ReasonForm({"withdraw-reason": "<Av skäl>"}, prefix="withdraw")
    assert "&lt;Av skäl&gt;" in html.form_fields(bound)
    assert "Av skäl" not in html.form_fields(reason_form(False))
    take_on = forms.TakeOnForm(handlers=_handlers(), prefix="take_on")
    assert html.form_fields(take_on) is not html.form_fields(take_on)
    assert str(coordinator) in html.form_fields(take_on)


def test_order_page_keeps_the_priority_model_and_its_factors_in_one_query(
        client, make_order, orderer, coordinator, django_assert_num_queries):
    order = make_order(S.READY_FOR_DECISION)
    detail = selectors.order_detail(fresh(coordinator), order.pk)
    with django_assert_num_queries(0):
        rows = services.priority_breakdown(detail)
        version = detail.priority_model.version
    assert rows and version
    assert {row["factor"].code for row in rows} == set(detail.priority_values)
    assert all(row["factor"].model is detail.priority_model for row in rows)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'id="priority-breakdown"' in page
    assert 'id="priority-sum"' in page


def test_a_refused_comment_shows_its_error_by_the_field(client, make_order, orderer):
    order = make_order(S.SUBMITTED)
    client.force_login(orderer)
    response = client.post(reverse("orders:comment_add", args=[order.pk]), {"body": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and 'id="id_body_error"' in page
    assert "&lt;textarea" not in page


def test_change_handler_lists_the_ordering_function_with_the_handler_chosen(
        client, make_order, coordinator):
    other = UserFactory(first_name="Ann <A>")
    other.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    order = make_order(S.IN_PREPARATION)
    client.force_login(coordinator)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    expected = engines["django"].from_string(
        '{% for person in handlers %}<option value="{{ person.pk }}"{% if person.pk == '
        'selected %} selected{% endif %}>{{ person }}</option>{% endfor %}'
    ).render({"handlers": _handlers(), "selected": coordinator.pk})
    assert html.person_options(_handlers(), coordinator.pk) == expected
    assert f'<option value="{coordinator.pk}" selected>' in page
    assert "Ann &lt;A&gt;" in page


def test_list_rows_read_as_values_show_what_the_orders_do(language, make_order, orderer,
                                                          coordinator, django_assert_num_queries):
    make_order(S.IN_PREPARATION, title="Med <handläggare>")
    make_order(S.DRAFT, handler=None)
    nameless = UserFactory(first_name="", last_name="", username="utan_namn")
    nameless.user_permissions.add(Permission.objects.get(codename="prepare_order"))
    Order.objects.filter(status=S.DRAFT).update(handler=nameless)
    person = fresh(orderer)
    orders = list(selectors.order_list(person))
    listed = selectors.order_list(person)
    with django_assert_num_queries(1):
        rows = selectors.order_rows(listed, 10)
    assert [r.pk for r in rows] == [o.pk for o in orders]
    assert [r.handler for r in rows] == [str(o.handler) for o in orders]
    assert "utan_namn" in [r.handler for r in rows]
    assert [r.get_absolute_url() for r in rows] == [o.get_absolute_url() for o in orders]
    assert same(html.order_table(rows, "c")) == same(html.order_table(orders, "c"))
    assert same(html.order_table(rows, "c")) == same(template_table(rows, "c"))
    assert len(selectors.order_rows(selectors.order_list(fresh(orderer)), 1)) == 1
