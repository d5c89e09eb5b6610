"""The matrix pages: everyone logged in reads; only the process owner and the IT chief change
anything (403 for others); anonymous visitors are sent to log in."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation.models import Role
from raci import selectors, services
from raci.models import Activity, Cell, MatrixVersion
from tests.factories import make_it_chief, make_role_user
from tests.queries import ACCESS_TOKEN

from .conftest import letters_with

pytestmark = pytest.mark.django_db

R = Role.Code
LOGIN = reverse("login")


def reading_urls(version_number: int = 1) -> list[str]:
    return [
        reverse("raci:matrix"),
        reverse("raci:matrix") + "?process=delivery&role=change_manager",
        reverse("raci:versions"),
        reverse("raci:version", args=[version_number]),
        reverse("raci:print", args=[version_number]) + "?paper=a4",
        reverse("raci:export", args=[version_number, "csv"]),
        reverse("raci:export", args=[version_number, "xlsx"]),
        reverse("raci:compare"),
    ]


EDITING = [
    ("get", "raci:draft"),
    ("post", "raci:draft"),
    ("post", "raci:draft_start"),
    ("post", "raci:draft_publish"),
    ("post", "raci:draft_discard"),
    ("get", "raci:draft_import"),
    ("post", "raci:draft_import"),
]


@pytest.mark.parametrize("url", reading_urls())
def test_anonymous_visitors_are_sent_to_log_in(client, in_force, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize(("method", "name"), EDITING)
def test_anonymous_visitors_cannot_edit(client, in_force, method, name):
    response = getattr(client, method)(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("url", reading_urls())
def test_everyone_logged_in_reads_the_matrix(client, in_force, outsider, url):
    client.force_login(outsider)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "coordinator", "change_manager"])
@pytest.mark.parametrize(("method", "name"), EDITING)
def test_people_who_do_not_own_the_process_cannot_edit(request, client, in_force, deputy, who,
                                                        method, name):
    draft = services.draft_start(actor=deputy)
    client.force_login(request.getfixturevalue(who))

    response = getattr(client, method)(reverse(name), {"revision": draft.revision})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.revision) == (MatrixVersion.Status.DRAFT, 1)


def test_the_draft_is_not_shown_to_readers(client, in_force, deputy, outsider):
    draft = services.draft_start(actor=deputy)
    client.force_login(outsider)

    assert client.get(reverse("raci:version", args=[draft.number])).status_code == 404
    assert client.get(reverse("raci:export", args=[draft.number, "csv"])).status_code == 404
    assert client.get(reverse("raci:version", args=[99])).status_code == 404


def test_the_process_owner_starts_saves_and_publishes_a_draft(client, in_force, deputy):
    client.force_login(deputy)

    response = client.post(reverse("raci:draft_start"))
    assert response.status_code == 302
    draft = MatrixVersion.objects.get(status="draft")
    page = client.get(reverse("raci:draft"))
    assert page.status_code == 200
    data = {"revision": draft.revision}
    for (activity_id, role_id), letter in letters_with(
        draft, {("delivery-deliver", R.IT_CHIEF): "I"}
    ).items():
        data[f"c-{activity_id}-{role_id}"] = letter
    response = client.post(reverse("raci:draft"), data)
    assert response.status_code == 302
    response = client.post(reverse("raci:draft_publish"),
                           {"revision": draft.revision + 1, "note": "IT-chefen informeras"})

    assert response.status_code == 302
    assert response["Location"] == reverse("raci:version", args=[2])
    version = selectors.version_in_force()
    assert (version.number, version.note, version.published_by) == (
        2, "IT-chefen informeras", deputy)


def test_the_grid_is_a_table_of_labelled_selects(client, in_force, deputy):
    draft = services.draft_start(actor=deputy)
    client.force_login(deputy)

    content = client.get(reverse("raci:draft")).content.decode()

    submit = Activity.objects.get(code="ordering-submit")
    manager = Role.objects.get(code=R.CHANGE_MANAGER)
    name = f"c-{submit.pk}-{manager.pk}"
    assert (f'<label class="visually-hidden" for="{name}">Skicka in beställningen – '
            f"Ändringsansvarig</label>") in content
    assert f'<select name="{name}" id="{name}"' in content
    assert '<th scope="col" class="huki-role-col"><span>Ändringsansvarig</span></th>' in content
    assert content.count('<th scope="row">') == Activity.objects.count()
    assert content.count('class="huki-select"') == Activity.objects.count() * Role.objects.count()
    assert f'name="revision" value="{draft.revision}"' in content


def test_saving_shows_the_problems_next_to_their_rows(client, in_force, deputy):
    draft = services.draft_start(actor=deputy)
    client.force_login(deputy)
    data = {"revision": draft.revision}
    for (activity_id, role_id), letter in letters_with(
        draft, {("ordering-submit", R.DEPARTMENT_IT_LEAD): ""}
    ).items():
        data[f"c-{activity_id}-{role_id}"] = letter

    response = client.post(reverse("raci:draft"), data, follow=True)

    content = response.content.decode()
    submit = Activity.objects.get(code="ordering-submit")
    assert "1 aktivitet behöver rättas innan utkastet kan publiceras." in content
    assert (f'<ul class="errorlist" id="problems-{submit.pk}"><li>'
            "Ingen roll är huvudansvarig (H): markera exakt en.</li></ul>") in content
    assert f'aria-describedby="problems-{submit.pk}"' in content
    assert f'<a href="#row-{submit.pk}">Skicka in beställningen</a>' in content


def test_publishing_a_draft_that_breaks_a_rule_is_refused(client, in_force, deputy):
    draft, _ = services.draft_save(
        actor=deputy, version_id=services.draft_start(actor=deputy).pk, expected_revision=1,
        letters=letters_with(MatrixVersion.objects.get(status="draft"),
                             {("ordering-submit", R.ORDERER): ""}))
    client.force_login(deputy)

    response = client.post(reverse("raci:draft_publish"), {"revision": draft.revision})

    assert response.status_code == 400
    assert "Utkastet publicerades inte." in response.content.decode()
    assert "Ingen roll är utförare (U): markera minst en." in response.content.decode()
    assert MatrixVersion.objects.get(pk=draft.pk).status == "draft"
    assert selectors.version_in_force() == in_force


def test_a_stale_save_is_refused_with_409_and_keeps_the_input(client, in_force, deputy):
    draft = services.draft_start(actor=deputy)
    theirs = letters_with(draft, {("delivery-deliver", R.IT_CHIEF): "K"})
    services.draft_save(actor=make_it_chief(first_name="Eva"), version_id=draft.pk,
                        expected_revision=draft.revision, letters=theirs)
    client.force_login(deputy)
    deliver = Activity.objects.get(code="delivery-deliver")
    chief = Role.objects.get(code=R.IT_CHIEF)
    data = {"revision": draft.revision}
    for (activity_id, role_id), letter in letters_with(
        draft, {("delivery-deliver", R.IT_CHIEF): "I"}
    ).items():
        data[f"c-{activity_id}-{role_id}"] = letter
    data[f"c-{deliver.pk}-{chief.pk}"] = "I"

    response = client.post(reverse("raci:draft"), data)

    assert response.status_code == 409
    content = response.content.decode()
    assert "sparade utkastet medan du ändrade i det" in content
    select = re.search(rf'<select name="c-{deliver.pk}-{chief.pk}".*?</select>', content)
    assert '<option value="I" selected>' in select.group(0)
    assert "<td>I</td><td>K</td>" in content  # your input, saved now
    assert 'name="revision" value="2"' in content  # saving again now works
    assert selectors.version_letters(draft)[(deliver.pk, chief.pk)] == "K"


def test_the_role_filter_shows_what_a_role_is_responsible_for(client, in_force, outsider):
    client.force_login(outsider)

    response = client.get(reverse("raci:matrix") + "?role=service_desk")

    grid = response.context["grid"]
    assert [role.code for role in grid.roles] == [R.SERVICE_DESK]
    desk = Role.objects.get(code=R.SERVICE_DESK)
    expected = {a for (a, r), letter in selectors.version_letters(in_force).items()
                if r == desk.pk}
    assert {row.activity.pk for g in grid.groups for row in g.rows} == expected
    assert "Det här ansvarar Servicedesk för" in response.content.decode()


def test_the_process_filter_shows_one_process(client, in_force, outsider):
    client.force_login(outsider)

    response = client.get(reverse("raci:matrix") + "?process=service_desk")

    assert [g.process for g in response.context["grid"].groups] == ["service_desk"]


def test_a_role_the_matrix_needs_but_no_one_holds_is_reported(client, in_force, outsider):
    client.force_login(outsider)

    content = client.get(reverse("raci:matrix")).content.decode()
    assert "Roller som matrisen behöver men som ingen har" in content
    assert "<strong>Servicedesk</strong>" in content

    make_role_user(R.SERVICE_DESK)
    content = client.get(reverse("raci:matrix")).content.decode()
    assert "<strong>Servicedesk</strong>" not in content


def test_the_compare_page_lists_the_changed_cells(client, publish, deputy, outsider):
    publish(deputy, {("delivery-deliver", R.IT_CHIEF): "I"})
    client.force_login(outsider)

    response = client.get(reverse("raci:compare") + "?older=1&newer=2")

    assert response.status_code == 200
    changes = response.context["changes"]
    assert [(c.activity.code, c.role.code, c.before, c.after) for c in changes] == [
        ("delivery-deliver", R.IT_CHIEF, "", "I")]
    assert "1 cell skiljer sig" in response.content.decode()
    # Without a choice, the version in force is compared with the one before it.
    assert client.get(reverse("raci:compare")).context["changes"] == changes


# --- query counts ---------------------------------------------------------------------------

# The matrix page for a reader with no role:
#   (the session is read from the cache: no query)
#   1. every version, with who made and published it (the one in force, links, "compare")
#   2. the roles, each with whether anyone holds it (one aggregate with three EXISTS)
#   3. the version's activities
#   4. the version's cells, as (activity, role, letter) tuples
# The user's roles ("what is my role responsible for?", "may edit?") are kept with their
# access (organisation.roles.role_codes).
MATRIX_PAGE = ACCESS_TOKEN + 4


def measure(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, ctx


def assert_count(ctx, expected: int) -> None:
    sql = "\n".join(f"{i}. {q['sql'][:200]}" for i, q in enumerate(ctx.captured_queries, 1))
    assert len(ctx) == expected, f"{len(ctx)} queries, expected {expected}:\n{sql}"


def grow(deputy, count: int) -> None:
    """`count` more activities, each with a full row of letters, in a newly published
    version; and a person in every role."""
    start = Activity.objects.count()
    roles = list(Role.objects.all())
    for index in range(count):
        activity = Activity.objects.create(code=f"extra-{start + index}", process="governance",
                                           name=f"Extra aktivitet {start + index}",
                                           position=10_000 + index)
        activity.accountable_roles.set(roles)
    draft = services.draft_start(actor=deputy)
    letters = selectors.version_letters(draft)
    for activity in Activity.objects.filter(code__startswith="extra-"):
        for position, role in enumerate(roles):
            letters[(activity.pk, role.pk)] = "H" if position == 0 else "U" if position == 1 \
                else "K" if position % 2 else "I"
    saved, problems = services.draft_save(actor=deputy, version_id=draft.pk,
                                          expected_revision=draft.revision, letters=letters)
    assert problems == {}
    services.draft_publish(actor=deputy, version_id=saved.pk, expected_revision=saved.revision)
    for role in roles:
        make_role_user(role.code)


def test_the_matrix_page_has_a_fixed_number_of_queries(client, in_force, outsider):
    client.force_login(outsider)

    response, ctx = measure(client, reverse("raci:matrix"))

    assert response.context["grid"].row_count == Activity.objects.count()
    assert_count(ctx, MATRIX_PAGE)


def test_the_matrix_page_does_not_query_per_cell_row_or_version(client, in_force, outsider,
                                                                 deputy):
    client.force_login(outsider)
    _, few = measure(client, reverse("raci:matrix"))

    grow(deputy, 20)
    response, many = measure(client, reverse("raci:matrix"))

    assert response.content.decode().count('class="huki-cell huki-') > 200 + 20 * 12
    assert response.context["version"].number == 2
    assert len(many) == len(few) == MATRIX_PAGE


# The draft page for the process owner (whose roles, which say whether they may edit, are
# kept with their access: organisation.roles.role_codes):
#   1. the draft, with who saved it last and the version it is based on
#   2. the roles, each with whether anyone holds it
#   3. the draft's activities
#   4. prefetch: the roles that may hold each activity's H (the rules)
#   5. the draft's cells
#   6. the version in force (a link)
DRAFT_PAGE = ACCESS_TOKEN + 6


def test_the_draft_page_has_a_fixed_number_of_queries(client, in_force, deputy):
    services.draft_start(actor=deputy)
    client.force_login(deputy)
    _, few = measure(client, reverse("raci:draft"))

    grow(deputy, 10)
    services.draft_start(actor=deputy)
    response, many = measure(client, reverse("raci:draft"))

    assert response.context["grid"].row_count == Activity.objects.count()
    assert_count(many, DRAFT_PAGE)
    assert len(few) == DRAFT_PAGE


def test_cells_are_stored_only_for_letters(in_force):
    assert not Cell.objects.filter(letter="").exists()
