"""The Jinja2 backend for hot fragments: Django's translations, dates and routes, and the
fragments' messages in the catalogue."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.utils import translation

from tyreso_it.core.management.commands.makemessages import jinja_messages_as_python


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_a_fragment_speaks_swedish_through_djangos_catalogue():
    with translation.override("sv"):
        assert render('{{ _("Draft") }}') == "Utkast"


def test_a_fragment_escapes_what_it_is_given():
    assert render("<td>{{ title }}</td>", title="A<B & <img>") == (
        "<td>A&lt;B &amp; &lt;img&gt;</td>"
    )


def test_a_fragment_shows_times_in_stockholm_in_djangos_formats():
    moment = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # half past midnight in Stockholm
    with translation.override("sv"):
        assert render('{{ moment|date("j b Y H:i") }}', moment=moment) == "2 jun 2026 00:30"
        assert render('{{ day|date("Y-m-d") }}', day=date(2026, 1, 2)) == "2026-01-02"
    assert render("{{ nothing|date }}", nothing=None) == ""


def test_a_fragment_reverses_routes():
    assert render('{{ url("orders:detail", 7) }}') == "/bestallningar/7/"


@pytest.mark.parametrize(
    ("template", "python"),
    [
        ('<p>{{ _("Draft") }}</p>', "gettext('Draft')"),
        ('{{ ngettext("%(num)s order", "%(num)s orders", n) }}',
         "ngettext('%(num)s order', '%(num)s orders', n)"),
        ('{{ pgettext("meeting status", "Held") }}', "pgettext('meeting status', 'Held')"),
        ("{% trans %}\n    Folded\n    text\n{% endtrans %}", "gettext('Folded text')"),
    ],
)
def test_makemessages_reads_each_kind_of_message_from_a_fragment(template, python):
    assert python in jinja_messages_as_python(template)


def test_makemessages_keeps_a_fragments_line_numbers():
    shim = jinja_messages_as_python('<ul>\n  <li>{{ _("One") }}</li>\n\n  <li>{{ _("Two") }}'
                                    ' {{ _("Three") }}</li>\n</ul>')
    lines = shim.splitlines()
    assert lines[1] == "gettext('One')"
    assert lines[3] == "gettext('Two'); gettext('Three')"


def test_a_django_page_writes_a_fragment_with_the_values_it_names(tmp_path, settings):
    """`{% fragment %}` renders a Jinja2 template inside a Django one: the page's own values
    reach it only when named, each escaped once."""
    from django.utils.safestring import mark_safe

    (tmp_path / "row.jinja").write_text(
        '<td title="{{ title }}">{{ cell }}</td><td>{{ secret|default("–") }}</td>')
    django_backend, jinja_backend = settings.TEMPLATES
    settings.TEMPLATES = [django_backend, {**jinja_backend, "DIRS": [tmp_path]}]
    page = engines["django"].from_string(
        '{% load fragments %}<tr>{% fragment "row.jinja" title=name cell=cell %}</tr>')
    html = page.render({"name": 'A "B" <C>', "cell": mark_safe("<b>kept</b>"),
                        "secret": "not named"})
    assert html == '<tr><td title="A &#34;B&#34; &lt;C&gt;"><b>kept</b></td><td>–</td></tr>'
