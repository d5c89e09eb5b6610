"""Where the costs show outside their own pages: the portfolio's menu links to them for those
who see them, and the IT chief's dashboard has a line about the year's IT costs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from costs import services

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "shown"), [("it_chief", True), ("deputy", True),
                                            ("it_lead", True), ("orderer", False),
                                            ("coordinator", False)])
def test_the_portfolio_menu_links_to_the_costs_for_those_who_see_them(client, request, draft,
                                                                      who, shown):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("portfolio:ranking")).getvalue().decode()
    assert (reverse("costs:overview") in page) is shown


def test_the_dashboard_says_what_the_years_it_costs_came_to(client, it_chief, draft):
    client.force_login(it_chief)
    url = reverse("portfolio:dashboard")
    line = client.get(url + f"?year={YEAR}").context["costs_line"]
    assert line.text == "IT-kostnader 2025: fördelningen på förvaltningarna är ett utkast."
    assert line.href == reverse("costs:year", args=[YEAR])
    line = client.get(url + f"?year={YEAR - 3}").context["costs_line"]
    assert line.text == "IT-kostnader 2022: ännu inte fördelade på förvaltningarna."
    services.key_set_publish(key_set_id=draft.pk, actor=it_chief, revision=draft.revision)
    response = client.get(url + f"?year={YEAR}")
    assert response.context["costs_line"].text == (
        "IT-kostnader 2025: 915\xa0000 kr, fördelade på 3 förvaltningar.")
    assert 'id="costs-line"' in response.getvalue().decode()


def test_the_dashboard_shows_no_cost_line_to_those_who_do_not_keep_the_costs(
        client, coordinator, draft):
    client.force_login(coordinator)
    response = client.get(reverse("portfolio:dashboard"))
    assert response.status_code == 200
    assert response.context["costs_line"] is None
    assert 'id="costs-line"' not in response.getvalue().decode()
