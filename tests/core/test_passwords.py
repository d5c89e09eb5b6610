"""Passwords are twelve characters at least (AUTH_PASSWORD_VALIDATORS), and the demo's
follows the rule like every other."""

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from demo.people import DEMO_PASSWORD, USERS
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_password_of_eleven_characters_is_refused_with_a_swedish_message():
    person = factories.UserFactory()
    data = {"new_password1": "Kort-lösen1", "new_password2": "Kort-lösen1"}
    form = SetPasswordForm(person, data)

    assert not form.is_valid()
    assert form.errors["new_password2"] == [
        "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken."]


def test_a_password_of_twelve_characters_is_taken():
    person = factories.UserFactory()
    data = {"new_password1": "Lagom-lösen1", "new_password2": "Lagom-lösen1"}
    form = SetPasswordForm(person, data)

    assert form.is_valid(), form.errors
    form.save()
    assert person.check_password("Lagom-lösen1")


@pytest.mark.parametrize("person", USERS, ids=lambda person: person.username)
def test_the_demo_password_follows_the_rules_for_every_demo_user(person):
    user = factories.UserFactory.build(username=person.username, first_name=person.first_name,
                                       last_name=person.last_name, email=person.address())
    validate_password(DEMO_PASSWORD, user)
    assert len(DEMO_PASSWORD) >= 12


def test_the_rules_refuse_the_former_demo_password():
    with pytest.raises(ValidationError):
        validate_password("demo1234")
