"""The change manager's ranked portfolio when it is long: each entry's move and remove forms
are made on request (htmx into the row, or the page with that row open), a refused change
shows its own row's forms with the errors, and the approved project orders without a
project are listed those waiting longest first, the rest on request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Order
from portfolio.models import PortfolioEntry
from portfolio.views import ranking

pytestmark = pytest.mark.django_db
URL = reverse("portfolio:ranking")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def entries(make_project):
    for name in ("Ett", "Två", "Tre"):
        make_project(name)
    return list(PortfolioEntry.objects.order_by("rank"))


def parsed(html: str) -> list[tuple]:
    """The elements of `html` with their attributes and text, whatever the order of the
    attributes and the white space between the elements."""
    from html.parser import HTMLParser

    found: list[tuple] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, sorted(attrs, key=lambda a: a[0])))

        def handle_data(self, data):
            if data.strip():
                found.append(("text", data.strip()))

    Parser().feed(html)
    return found


def tools(entry) -> str:
    return reverse("portfolio:entry_tools", args=[entry.pk])


def test_the_page_has_a_link_to_each_entrys_forms_and_no_forms(client, entries,
                                                               change_manager):
    client.force_login(change_manager)
    response = client.get(URL)
    assert [row["forms"] for row in response.context["rows"]] == [None, None, None]
    content = response.content.decode()
    second = entries[1]
    assert (f'href="?change={second.pk}#post-{second.pk}" hx-get="{tools(second)}"'
            in content)
    # The link says which entry it is about.
    assert '<span class="visually-hidden">: Två</span></a>' in content
    assert f'name="move-{second.pk}-to_rank"' not in content


def test_the_forms_of_one_entry_come_into_its_row(client, entries, change_manager):
    client.force_login(change_manager)
    second = entries[1]
    response = client.get(tools(second), headers=HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<details class="rank-tools" open>')
    assert f'action="{reverse("portfolio:entry_move", args=[second.pk])}"' in content
    assert f'name="move-{second.pk}-expected_rank" value="2"' in content
    assert "autofocus" in content and "csrfmiddlewaretoken" in content
    assert "<h1" not in content


def test_without_script_the_page_opens_with_that_entrys_forms(client, entries,
                                                              change_manager):
    client.force_login(change_manager)
    second = entries[1]
    redirect = client.get(tools(second))
    assert redirect.status_code == 302
    assert redirect["Location"] == f"{URL}?change={second.pk}#post-{second.pk}"
    page = client.get(f"{URL}?change={second.pk}")
    forms = [row["forms"] for row in page.context["rows"]]
    assert forms[0] is None and forms[2] is None
    assert forms[1]["move"].initial == {"to_rank": 2, "expected_rank": 2}
    assert "change=" not in page.context["query"]
    assert client.get(f"{URL}?change=nej").status_code == 200


def test_a_refused_move_shows_its_rows_forms_with_the_error(client, entries, change_manager):
    client.force_login(change_manager)
    third = entries[2]
    response = client.post(reverse("portfolio:entry_move", args=[third.pk]),
                           {f"move-{third.pk}-to_rank": 1,
                            f"move-{third.pk}-expected_rank": 3})
    assert response.status_code == 400
    forms = [row["forms"] for row in response.context["rows"]]
    assert forms[:2] == [None, None]
    assert "reason" in forms[2]["move"].errors
    assert "autofocus" not in response.content.decode()
    assert PortfolioEntry.objects.get(pk=third.pk).rank == 3


def test_an_entrys_forms_are_the_change_managers(client, entries, it_chief, orderer,
                                                 outsider):
    url = tools(entries[0])
    # Anonymous: to log in, the whole page (htmx follows HX-Redirect, not a 302).
    assert client.get(url, headers=HTMX)["HX-Redirect"] == reverse("login")
    client.force_login(outsider)
    assert client.get(url, headers=HTMX).status_code == 404
    for person in (it_chief, orderer):
        client.force_login(person)
        assert client.get(url, headers=HTMX).status_code == 403
        page = client.get(f"{URL}?change={entries[0].pk}")
        assert all(row["forms"] is None for row in page.context["rows"])


def test_a_missing_entrys_forms_are_a_404(client, entries, change_manager):
    client.force_login(change_manager)
    missing = reverse("portfolio:entry_tools", args=[entries[-1].pk + 100])
    assert client.get(missing, headers=HTMX).status_code == 404


def test_project_orders_without_a_project_those_waiting_longest_first(
    client, decided_order, change_manager, monkeypatch
):
    monkeypatch.setattr(ranking, "AWAITING_SHOWN", 2)
    from .conftest import at

    for day, title in ((3, "Tredje"), (1, "Första"), (2, "Andra")):
        decided_order(title=title, decided_at=at(2026, 3, day), status=Order.Status.APPROVED)
    client.force_login(change_manager)
    page = client.get(URL)
    assert [o.title for o in page.context["awaiting"]] == ["Första", "Andra"]
    assert (page.context["awaiting_total"], page.context["awaiting_more"]) == (3, 1)
    assert 'href="?awaiting=all#h-awaiting"' in page.content.decode()
    every = client.get(URL + "?awaiting=all")
    assert [o.title for o in every.context["awaiting"]] == ["Första", "Andra", "Tredje"]
    assert every.context["awaiting_more"] == 0


def test_a_ranked_change_order_shows_its_reference_state_and_estimate(
    client, entries, decided_order, change_manager, orderer
):
    from decimal import Decimal

    from portfolio import services

    order = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("300000"),
                          title="Ny e-tjänst")
    services.portfolio_add_order(actor=change_manager, order=order, reason="Stor.")
    client.force_login(orderer)
    content = client.get(URL).content.decode()
    row = content[content.index(f'<tr id="post-{order.portfolio_entry.pk}">'):]
    row = row[:row.index("</tr>")]
    assert f'<a href="{order.get_absolute_url()}">{order.reference} Ny e-tjänst</a>' in row
    assert '<span class="tag tag-order">' in row
    assert f'<span class="status status-{order.status}">' in row
    assert "300\u00a0000\u00a0kr" in row or "300 000\u00a0kr" in row
    assert "rank-open" not in row  # the orderer changes nothing


def test_the_change_orders_to_rank_are_offered_and_a_choice_is_kept(client, entries,
                                                                    decided_order,
                                                                    change_manager):
    """The change orders to rank are offered, escaped, and a refused addition keeps the order
    chosen."""
    from decimal import Decimal

    first = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("300000"),
                          title="Ny e-tjänst")
    second = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("200000"),
                           title="Nytt <system> & mer")
    client.force_login(change_manager)
    refused = client.post(reverse("portfolio:order_add"), {"order": second.pk})
    assert refused.status_code == 400
    html = str(refused.context["add_form"]["order"])
    assert f'<option value="{second.pk}" selected>' in html
    assert f'<option value="{first.pk}">' in html
    assert "Nytt &lt;system&gt; &amp; mer" in html
    assert 'aria-invalid' not in html and 'required' in html


def test_the_change_orders_to_rank_come_on_request(client, entries, decided_order,
                                                  change_manager):
    """The page links to the form to rank a change order instead of listing every order
    that may be ranked; the form comes in place of the link (htmx), or with the page."""
    from decimal import Decimal

    order = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("300000"),
                          title="Nytt <system> & mer")
    client.force_login(change_manager)
    page = client.get(URL + "?page=1")
    content = page.content.decode()
    assert page.context["add_form"] is None and page.context["has_candidates"]
    assert "Nytt &lt;system&gt;" not in content
    add = reverse("portfolio:order_add")
    assert (f'href="?page=1&amp;add=1#h-add" hx-get="{add}" hx-target="#add-order" '
            'hx-swap="outerHTML">Välj en beställning</a>') in content

    asked = client.get(add, headers=HTMX)
    assert asked.status_code == 200
    form = asked.content.decode()
    assert f'action="{add}"' in form and "csrfmiddlewaretoken" in form
    assert f'<option value="{order.pk}">' in form and "Nytt &lt;system&gt; &amp; mer" in form
    assert "autofocus" in form
    assert "<html" not in form and "Rangordna en större" not in form

    # Without script: the page with the form open, its other links without it.
    assert client.get(add).url == URL + "?add=1#h-add"
    opened = client.get(URL + "?add=1")
    assert order in opened.context["add_form"].fields["order"].queryset
    assert "Nytt &lt;system&gt; &amp; mer" in opened.content.decode()
    assert "add=1" not in opened.context["page_query"]


def test_without_orders_to_rank_the_page_says_so(client, entries, change_manager):
    client.force_login(change_manager)
    for url in (URL, URL + "?add=1"):
        response = client.get(url)
        assert response.context["add_form"] is None
        assert "Ingen större ändringsbeställning väntar" in response.content.decode()


def test_only_the_change_manager_gets_the_form_to_rank(client, entries, it_chief, orderer):
    add = reverse("portfolio:order_add")
    assert client.get(add, headers=HTMX)["HX-Redirect"] == reverse("login")  # to log in
    for person in (it_chief, orderer):
        client.force_login(person)
        assert client.get(add, headers=HTMX).status_code in (403, 404)


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(ranking, "ENTRIES_PER_PAGE", 2)


def test_a_long_portfolio_is_shown_a_page_at_a_time_in_the_order_of_places(
    client, entries, orderer, pages_of_two
):
    client.force_login(orderer)
    first = client.get(URL)
    assert [row["entry"].rank for row in first.context["rows"]] == [1, 2]
    content = first.content.decode()
    assert "3 poster" in content and "här visas 1–2 av 3" in content
    assert 'href="?page=2" rel="next"' in content
    second = client.get(URL + "?page=2")
    assert [row["label"] for row in second.context["rows"]] == ["Tre"]
    # A page of one shows that one place, not a range from it to itself.
    assert "här visas 3 av 3" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()
    # A page past the last is the last, a bad one the first.
    past = client.get(URL + "?page=9")
    assert past.context["page"].number == 2
    assert [row["label"] for row in past.context["rows"]] == ["Tre"]
    assert client.get(URL + "?page=nio").context["page"].number == 1


def test_an_entrys_forms_open_on_the_page_that_holds_it(client, entries, change_manager,
                                                        pages_of_two):
    client.force_login(change_manager)
    third = entries[2]
    page = client.get(f"{URL}?change={third.pk}")
    assert page.context["page"].number == 2
    assert [row["forms"] is not None for row in page.context["rows"]] == [True]
    refused = client.post(reverse("portfolio:entry_move", args=[third.pk]),
                          {f"move-{third.pk}-to_rank": 1, f"move-{third.pk}-expected_rank": 3})
    assert refused.status_code == 400
    assert refused.context["page"].number == 2
    assert "reason" in refused.context["rows"][0]["forms"]["move"].errors


def test_after_a_change_the_page_holding_the_entry_is_shown(client, entries, change_manager,
                                                            decided_order, pages_of_two):
    from decimal import Decimal

    client.force_login(change_manager)
    first = entries[0]
    moved = client.post(reverse("portfolio:entry_move", args=[first.pk]),
                        {f"move-{first.pk}-to_rank": 3, f"move-{first.pk}-expected_rank": 1,
                         f"move-{first.pk}-reason": "Kan vänta."})
    assert moved.status_code == 302
    assert moved["Location"] == f"{URL}?page=2#post-{first.pk}"
    back = client.post(reverse("portfolio:entry_move", args=[first.pk]),
                       {f"move-{first.pk}-to_rank": 1, f"move-{first.pk}-expected_rank": 3,
                        f"move-{first.pk}-reason": "Brådskar igen."})
    assert back["Location"] == f"{URL}#post-{first.pk}"
    order = decided_order(kind=Order.Kind.CHANGE, estimated_cost=Decimal("300000"))
    added = client.post(reverse("portfolio:order_add"), {"order": order.pk, "reason": "Stor."})
    entry = PortfolioEntry.objects.get(order=order)
    assert entry.rank == 4
    assert added["Location"] == f"{URL}?page=2#post-{entry.pk}"
