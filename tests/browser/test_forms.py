"""How a form shows its fields in the browser: an invalid field has a red border and a thick
left edge (not colour alone) with its message, and a field that must be filled in has an
asterisk after its label, explained at the top of the form."""

import pytest

from organisation.models import Department, User
from organisation.services import orderer_register

from .conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "en-lång-lösenfras-2026"
DANGER = "rgb(164, 22, 26)"  # --danger in static/css/app.css

# The border of a field, its left edge and the text after its label, as the browser draws them.
BORDER = """element => {
  const style = getComputedStyle(element);
  return [style.borderTopColor, style.borderLeftWidth];
}"""
MARKER = "element => getComputedStyle(element, '::after').content"

# An input of every kind the forms use, marked invalid as Django marks a field with an error,
# inside the page's form so that the page's own rules apply.
EVERY_KIND = """form => {
  const kinds = ["text", "number", "date", "email", "time", "url", "password", "search"];
  const made = kinds.map(kind => {
    const input = document.createElement("input");
    input.type = kind;
    input.setAttribute("aria-invalid", "true");
    form.appendChild(input);
    return input;
  });
  for (const tag of ["select", "textarea"]) {
    const element = document.createElement(tag);
    element.setAttribute("aria-invalid", "true");
    form.appendChild(element);
    made.push(element);
  }
  const result = made.map(element => {
    const style = getComputedStyle(element);
    return [element.type || element.tagName, style.borderTopColor, style.borderLeftWidth];
  });
  made.forEach(element => element.remove());
  return result;
}"""


def _log_in_as_orderer(page) -> None:
    department = Department.objects.create(name="Barn- och utbildningsförvaltningen",
                                           short_name="BUF")
    user = User.objects.create_user("bestallare", "b@tyreso.se", PASSWORD, first_name="Anna")
    orderer_register(department=department, person=user)
    page.goto(page.base_url + "/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("bestallare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(page.base_url + "/")


def test_an_invalid_field_has_a_red_border_and_a_thick_edge_beside_its_message(page):
    _log_in_as_orderer(page)
    page.goto(page.base_url + "/bestallningar/ny/")
    title = page.locator("#id_title")
    untouched_colour, untouched_edge = title.evaluate(BORDER)
    assert untouched_colour != DANGER
    page.get_by_label("Livslängd (år)").fill("-3")
    page.get_by_role("button", name="Spara utkast").click()
    page.wait_for_selector("#form-errors")

    # The title (text) and the lifetime (number) came back invalid from the server.
    for field_id in ("id_title", "id_lifetime_years"):
        field = page.locator(f"#{field_id}")
        assert field.get_attribute("aria-invalid") == "true"
        colour, edge = field.evaluate(BORDER)
        assert colour == DANGER, field_id
        assert float(edge.removesuffix("px")) > float(untouched_edge.removesuffix("px")), field_id
        # Not colour alone: the message, in words, is tied to the field.
        message = page.locator(f"#{field_id}_error")
        assert message.inner_text().strip()
        assert f"{field_id}_error" in field.get_attribute("aria-describedby")

    # Every other kind of field is drawn the same way when invalid.
    for kind, colour, edge in page.locator("form.form").evaluate(EVERY_KIND):
        assert colour == DANGER, kind
        assert edge == "6px", kind
    assert_accessible(page)


def test_required_fields_have_an_asterisk_explained_at_the_top_of_the_form(page):
    _log_in_as_orderer(page)
    page.goto(page.base_url + "/bestallningar/ny/")
    note = page.locator(".required-note")
    assert note.inner_text() == "Fält markerade med * måste fyllas i."
    # The title must be filled in; the desired date need not be.
    title_label = page.locator("label[for=id_title]")
    assert "*" in title_label.evaluate(MARKER)
    assert page.locator("#id_title").get_attribute("required") is not None
    assert page.locator("label[for=id_desired_date]").evaluate(MARKER) == "none"
    assert page.locator("#id_desired_date").get_attribute("required") is None
    # Screen readers hear "required" from the field, not the asterisk in its name.
    # (the accessible name is the label's own text, without the drawn asterisk).
    name = title_label.inner_text().strip()
    assert name.startswith("Rubrik") and "*" not in name
    assert page.get_by_role("textbox", name=name, exact=True).count() == 1
    assert_accessible(page)
