"""A meeting of Beslutsråd IT in the browser: the chair opens the agenda, keeps the minutes and
signs; the adjuster signs; the decisions reach their orders. axe-core checks every page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from board import services
from board.models import AgendaItem, Meeting
from orders import services as order_services
from orders.models import Order
from organisation.models import Department, Role, User
from organisation.services import orderer_register
from tests import factories
from tests.board.conftest import Clock

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"


def _person(username: str, first: str, last: str, role: str | None = None) -> User:
    user = User.objects.create_user(
        username, f"{username}@tyreso.se", PASSWORD, first_name=first, last_name=last
    )
    if role:
        Role.objects.get(code=role).group.user_set.add(user)
    return user


def _log_in(page, username: str) -> None:
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def _log_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/konto/logga-in/")


def test_the_board_decides_two_orders_and_adjusts_the_minutes_in_the_browser(
    page, monkeypatch, settings
):
    # The clock jumps days ahead to the meeting; the logins are not what this is about.
    settings.SESSION_IDLE_SECONDS = settings.SESSION_MAX_SECONDS = 10 * 365 * 24 * 3600
    clock = Clock(timezone.now)
    monkeypatch.setattr(timezone, "now", clock.now)
    factories.ensure_roles()
    department = Department.objects.create(
        name="Barn- och utbildningsförvaltningen", short_name="BUF"
    )
    orderer = _person("bestallare", "Anna", "Berg")
    orderer_register(department=department, person=orderer)
    handler = _person("samordnare", "Carl", "Ek", role=Role.Code.IT_COORDINATOR)
    chair = _person("andringsansvarig", "Mikael", "Öberg", role=Role.Code.CHANGE_MANAGER)
    _person("itchef", "Eva", "Dahlgren", role=Role.Code.IT_CHIEF)
    approve = factories.make_order(
        "ready_for_decision", department=department, orderer=orderer, handler=handler,
        title="E-tjänst för skolskjuts", change_manager=chair,
    )
    reject = factories.make_order(
        "ready_for_decision", department=department, orderer=orderer, handler=handler,
        title="Surfplattor till förskolan", change_manager=chair,
    )
    delegated = factories.make_order(
        "in_preparation", department=department, orderer=orderer, handler=handler,
        title="Ny skrivare till biblioteket", change_manager=chair,
    )
    order_services.order_update_preparation(
        order_id=delegated.pk, actor=handler, data={"estimated_cost": 20000},
        expected_version=delegated.version,
    )
    order_services.order_decide_delegated(order_id=delegated.pk, actor=chair,
                                          reason="Under beloppsgränsen.")
    meeting = services.meeting_create(actor=chair, starts_at=timezone.now() + timedelta(days=4))
    assert services.agenda_freeze_and_send(meeting_id=meeting.pk, actor=chair)
    items = {i.order_id: i for i in meeting.items.filter(kind=AgendaItem.Kind.ORDER)}
    assert set(items) == {approve.pk, reject.pk}

    # The chair finds the meeting and reads a decision brief on the agenda.
    _log_in(page, "andringsansvarig")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Beslutsråd IT").click()
    page.wait_for_selector("#h-next")
    assert_accessible(page)
    page.locator("#h-next a").click()
    page.wait_for_selector("#dagordning")
    assert_accessible(page)
    brief = page.locator(f"#punkt-{items[approve.pk].pk} details.brief")
    brief.locator("summary").click()
    # The brief is fetched when opened.
    brief.get_by_text(approve.recommendation).wait_for()
    assert_accessible(page)

    # The delegated decision is counted; its list opens in place.
    delegation = meeting.items.get(kind=AgendaItem.Kind.DELEGATION)
    page.locator("#delegerade-lista a").first.click()
    page.wait_for_selector(f"#punkt-{delegation.pk}")
    assert "Under beloppsgränsen." in page.inner_text(f"#punkt-{delegation.pk}")
    assert page.evaluate("document.activeElement.id") == "delegerade-sida"
    assert_accessible(page)

    # The minutes, once the meeting has started: attendance, the adjuster, one decision per
    # item.
    clock.set(meeting.starts_at + timedelta(minutes=5))
    page.get_by_role("link", name="Protokoll och beslut").click()
    page.wait_for_selector("#narvaro")
    assert_accessible(page)
    for box in page.locator("#narvaro input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Spara närvaron").click()
    page.wait_for_selector(".message-success")
    page.locator("#justerare").get_by_label("Justerare").select_option(label="Eva Dahlgren")
    page.get_by_role("button", name="Välj justerare").click()
    page.wait_for_selector(".message-success")
    assert_accessible(page)

    approve_item = page.locator(f"#punkt-{items[approve.pk].pk}")
    approve_item.get_by_label("Godkänn").check()
    approve_item.get_by_role("button", name="Registrera beslutet").click()
    page.wait_for_selector(f"#punkt-{items[approve.pk].pk} .tag-outcome-approve")

    # A rejection without a reason is refused next to the reason field.
    reject_item = page.locator(f"#punkt-{items[reject.pk].pk}")
    reject_item.get_by_label("Avslå").check()
    reject_item.get_by_role("button", name="Registrera beslutet").click()
    reject_item = page.locator(f"#punkt-{items[reject.pk].pk}")
    reason = reject_item.get_by_label("Motivering")
    reason.wait_for()
    assert reason.get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    reason.fill("Ryms inte i årets budget.")
    reject_item.get_by_role("button", name="Registrera beslutet").click()
    page.wait_for_selector(f"#punkt-{items[reject.pk].pk} .tag-outcome-reject")
    for item in meeting.items.exclude(kind=AgendaItem.Kind.ORDER):
        page.locator(f"#punkt-{item.pk}").get_by_role(
            "button", name="Lägg till handlingarna").click()
        page.wait_for_selector(f"#punkt-{item.pk} .tag-outcome-noted")
    assert_accessible(page)
    page.get_by_role("button", name="Signera protokollet som ordförande").click()
    page.wait_for_selector(".message-success")
    assert_accessible(page)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
    _log_out(page)

    # The adjuster signs: the minutes are adjusted and the decisions applied.
    _log_in(page, "itchef")
    page.goto(page.base_url + meeting.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Protokoll och beslut").click()
    page.wait_for_selector("#justering")
    assert_accessible(page)
    page.get_by_role("button", name="Signera protokollet som justerare").click()
    page.wait_for_selector("#rattelser")
    assert "BIT " in page.inner_text("h1")
    assert "§1" in page.inner_text("#beslut")
    assert "Mikael Öberg" in page.inner_text("#justering")
    assert_accessible(page)

    # The orders show their new states.
    page.goto(page.base_url + approve.get_absolute_url())
    assert page.inner_text(".order-head .status") == "Godkänd"
    assert_accessible(page)
    page.goto(page.base_url + reject.get_absolute_url())
    assert page.inner_text(".order-head .status") == "Avslagen"
    assert "Ryms inte i årets budget." in page.inner_text("main")
    assert_accessible(page)

    adjusted = Meeting.objects.get(pk=meeting.pk)
    assert adjusted.status == Meeting.Status.ADJUSTED and adjusted.number == 1
    assert Order.objects.get(pk=approve.pk).status == Order.Status.APPROVED
    assert Order.objects.get(pk=reject.pk).status == Order.Status.REJECTED
