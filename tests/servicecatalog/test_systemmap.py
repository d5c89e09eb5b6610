"""The system map: integrations as a picture and as a table, its filters and export, and who
may record, change and remove an integration (the ordering function and the owners and
managers of either system)."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from servicecatalog import forms, selectors, services
from servicecatalog.maplayout import circle_map, neighbourhood_map
from servicecatalog.models import Integration, Service

from .catalogue_data import make_integration, make_service

pytestmark = pytest.mark.django_db

MAP = reverse("servicecatalog:systemmap")
CREATE = reverse("servicecatalog:integration_create")


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def systems(department, other_department):
    """Five systems: three of `department`, one of `other_department`, one of none."""
    names = ["Elevregister", "Lärplattform", "Schemaläggning", "Ekonomisystem", "Katalogtjänst"]
    owners = [department, department, department, other_department, None]
    return {name: make_service(name=name, department=owner)
            for name, owner in zip(names, owners, strict=True)}


@pytest.fixture
def links(systems):
    s = systems
    return [
        make_integration(s["Elevregister"], s["Lärplattform"], data="Elever och grupper",
                         method="REST", frequency="Varje natt"),
        make_integration(s["Lärplattform"], s["Elevregister"], data="Betyg"),
        make_integration(s["Elevregister"], s["Schemaläggning"], data="Klasser",
                         direction=Integration.Direction.BOTH),
        make_integration(s["Ekonomisystem"], s["Katalogtjänst"], data="Kostnadsställen"),
        make_integration(s["Katalogtjänst"], s["Lärplattform"], data="Inloggning"),
    ]


# --- the layout ----------------------------------------------------------------------------


def test_circle_layout_places_every_system_on_one_circle_grouped_by_department(links):
    drawing = circle_map(links)
    assert len(drawing.nodes) == 5
    centre = drawing.width / 2
    radii = {round(math.hypot(n.x - centre, n.y - centre), 3) for n in drawing.nodes}
    assert len(radii) == 1
    # Grouped by department (by name), then by name; systems without one come last.
    assert [n.service.name for n in drawing.nodes] == [
        "Elevregister", "Lärplattform", "Schemaläggning", "Ekonomisystem", "Katalogtjänst"]
    # The first system is at the top; labels on the left half are turned to read normally.
    assert drawing.nodes[0].angle == -90
    assert all(n.flipped == (math.cos(math.radians(n.angle)) < 0) for n in drawing.nodes)
    assert {n.anchor for n in drawing.nodes if n.flipped} == {"end"}


def test_circle_layout_is_deterministic(links):
    first, second = circle_map(links), circle_map(list(reversed(links)))
    assert [(n.pk, n.x, n.y) for n in first.nodes] == [(n.pk, n.x, n.y) for n in second.nodes]
    assert sorted(e.path for e in first.edges) == sorted(e.path for e in second.edges)


def test_one_edge_per_pair_with_arrowheads_at_the_receiving_ends(links, systems):
    drawing = circle_map(links)
    edges = {frozenset((e.source.service.name, e.target.service.name)): e
             for e in drawing.edges}
    assert len(edges) == 4  # Elevregister–Lärplattform carries two integrations
    pair = edges[frozenset(("Elevregister", "Lärplattform"))]
    assert len(pair.integrations) == 2 and pair.forward and pair.backward
    one_way = edges[frozenset(("Ekonomisystem", "Katalogtjänst"))]
    receiving = one_way.target if one_way.forward else one_way.source
    assert receiving.service.name == "Katalogtjänst"
    assert one_way.forward != one_way.backward
    both = edges[frozenset(("Elevregister", "Schemaläggning"))]
    assert both.forward and both.backward
    assert drawing.integration_count == 5


def test_long_names_are_shortened_in_the_picture_only(client, outsider):
    long_name = "Verksamhetssystem för individ- och familjeomsorgen med e-arkiv"
    make_integration(make_service(name=long_name), make_service(name="Kort"))
    drawing = circle_map(list(Integration.objects.all()))
    node = next(n for n in drawing.nodes if n.service.name == long_name)
    assert node.label.endswith("…") and len(node.label) <= 30
    client.force_login(outsider)
    page = html(client.get(MAP))
    assert f'aria-label="{long_name}' in page  # the accessible name is the whole name
    assert f">{long_name}</a>" in page  # and the table


def test_neighbourhood_puts_the_system_in_the_middle(links, systems):
    centre = systems["Elevregister"]
    mine = list(selectors.integration_list(service_id=centre.pk))
    drawing = neighbourhood_map(centre, mine)
    middle = next(n for n in drawing.nodes if n.centre)
    assert middle.service == centre
    assert (middle.x, middle.y) == (drawing.width / 2, drawing.height / 2)
    assert {n.service.name for n in drawing.nodes if not n.centre} == {
        "Lärplattform", "Schemaläggning"}


def test_fifty_systems_keep_their_names_apart():
    hub = [make_service(name=f"System nummer {n:02d} med ett långt namn") for n in range(50)]
    for index, service in enumerate(hub):
        make_integration(service, hub[(index + 1) % 50])
        make_integration(service, hub[(index + 7) % 50])
    drawing = circle_map(list(selectors.integration_list()))
    nodes = drawing.nodes
    gaps = [math.hypot(a.x - b.x, a.y - b.y) for a, b in zip(nodes, nodes[1:] + nodes[:1],
                                                              strict=True)]
    assert min(gaps) >= 20  # more than a line of 13 px text between neighbouring names
    assert len(drawing.edges) == 100


# --- the page --------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    assert client.get(MAP).status_code == 302
    assert client.get(reverse("servicecatalog:systemmap_export", args=["csv"])).status_code == 302
    assert client.get(CREATE).status_code == 302


def test_everyone_reads_the_map_as_a_picture_and_a_table(client, outsider, links):
    client.force_login(outsider)
    response = client.get(MAP)
    assert response.status_code == 200
    page = html(response)
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="group"' in svg and "<title" in svg and "<desc" in svg
    assert 'aria-labelledby="map-title"' in svg and 'aria-describedby="map-desc"' in svg
    nodes = re.findall(r'<a href="(/tjanster/\d+/)" class="node[^"]*" aria-label="([^"]+)"', svg)
    assert len(nodes) == 5
    assert ("Elevregister (BUF), 3 integrationer") in {label for _href, label in nodes}
    assert '<g class="edges" aria-hidden="true">' in svg
    assert svg.count('class="edge ') == 4
    assert "<figcaption" in page
    table = page.split('id="map-table"', 1)[1].split("</table>", 1)[0]
    for integration in links:
        assert integration.data in table
    assert "Varje natt" in table and "REST" in table
    assert "integration_edit" not in table and "/andra/" not in table  # nothing to edit


def test_the_map_speaks_swedish_in_its_caption_legend_and_table(client, outsider, links):
    client.force_login(outsider)
    page = html(client.get(MAP))
    assert ">Tabellen nedan beskriver varje integration i ord.</a></figcaption>" in page
    assert 'aria-label="Färger efter ägande förvaltning"' in page
    assert '<th scope="col">Källsystem</th>' in page
    assert "5 system och 5 integrationer." in page
    # The legend's colours are drawn, not styled: no inline style beyond the picture's size.
    figure = page.split('<figure class="systemmap"', 1)[1].split("</figure>", 1)[0]
    assert figure.count("style=") == 1 and 'style="min-width: ' in figure


def test_the_pictures_style_carries_the_nonce_of_a_content_security_policy(
    client, outsider, links, systems, settings
):
    """The lines a pointed-at system darkens are kept with the map; the <style> element that
    holds them is written per response, so under a Content-Security-Policy with a nonce it
    carries the response's own nonce, and the policy admits it."""
    from django.utils.csp import CSP

    middleware = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    if middleware not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [middleware, *settings.MIDDLEWARE]
    django_templates, jinja = settings.TEMPLATES
    options = django_templates["OPTIONS"]
    processors = options["context_processors"]
    if "django.template.context_processors.csp" not in processors:
        settings.TEMPLATES = [{**django_templates, "OPTIONS": {**options, "context_processors": [
            *processors, "django.template.context_processors.csp"]}}, jinja]
    settings.SECURE_CSP = {"default-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.NONCE]}
    client.force_login(outsider)
    for url in (MAP, MAP, systems["Elevregister"].get_absolute_url()):  # drawn, then kept
        response = client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        styles = re.findall(r"<style([^>]*)>([^<]*)</style>", html(response))
        assert styles == [(f' nonce="{nonce}"', styles[0][1])]
        assert ":focus-visible)) .e-" in styles[0][1]


def table_data(response, table_id: str = "map-table") -> set[str]:
    """The Data column of the table of integrations, as the reader sees it."""
    table = html(response).split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return {re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3] for row in rows}


def drawn_systems(response, *, outside: bool = False) -> set[str]:
    """The names of the systems drawn in the picture (only those marked as of another
    department when `outside`)."""
    svg = html(response).split("<svg", 1)[1].split("</svg>", 1)[0]
    nodes = re.findall(r'class="node n-\d+([^"]*)" aria-label="[^"]*">.*?<title>([^<]+)</title>',
                       svg, re.S)
    return {name for classes, name in nodes if not outside or "node-outside" in classes}


def test_the_map_filters_by_department_and_by_system(client, outsider, links, systems,
                                                     department, other_department):
    client.force_login(outsider)
    assert table_data(client.get(f"{MAP}?department={other_department.pk}")) == {
        "Kostnadsställen"}
    assert table_data(client.get(f"{MAP}?department={department.pk}")) == {
        "Elever och grupper", "Betyg", "Klasser", "Inloggning"}
    response = client.get(f"{MAP}?system={systems['Katalogtjänst'].pk}")
    assert table_data(response) == {"Kostnadsställen", "Inloggning"}
    assert f'class="node n-{systems["Katalogtjänst"].pk} node-centre"' in html(response)
    assert drawn_systems(response) == {"Katalogtjänst", "Ekonomisystem", "Lärplattform"}
    assert "<h1>Systemkarta: Katalogtjänst</h1>" in html(response)


def test_the_department_map_marks_systems_of_other_departments(client, outsider, links,
                                                               other_department):
    client.force_login(outsider)
    response = client.get(f"{MAP}?department={other_department.pk}")
    assert drawn_systems(response) == {"Ekonomisystem", "Katalogtjänst"}
    assert drawn_systems(response, outside=True) == {"Katalogtjänst"}


def test_a_system_without_integrations_shows_no_picture(client, outsider, systems):
    lonely = make_service(name="Ensamt system")
    client.force_login(outsider)
    response = client.get(f"{MAP}?system={lonely.pk}")
    assert response.status_code == 200
    page = html(response)
    assert "<svg" not in page and 'id="map-table"' not in page
    assert 'class="empty"' in page


# --- the drawn map is kept until the catalogue changes ------------------------------------


def edit_links(response) -> set[str]:
    return set(re.findall(r'href="/tjanster/integrationer/(\d+)/andra/', html(response)))


def test_every_write_to_the_catalogue_shows_on_the_map_at_once(
    client, coordinator, outsider, links, systems, department
):
    client.force_login(outsider)
    assert "Elevpeng" not in table_data(client.get(MAP))  # drawn, and kept
    added = services.integration_create(actor=coordinator, data={
        "source": systems["Elevregister"], "target": systems["Ekonomisystem"],
        "data": "Elevpeng"})
    assert "Elevpeng" in table_data(client.get(MAP))
    services.integration_update(actor=coordinator, integration_id=added.pk,
                                data={"data": "Elevpeng per skola"},
                                expected_version=selectors.integration_version(added.pk))
    assert "Elevpeng per skola" in table_data(client.get(MAP))
    services.integration_delete(actor=coordinator, integration_id=added.pk)
    assert not {"Elevpeng", "Elevpeng per skola"} & table_data(client.get(MAP))
    renamed = systems["Katalogtjänst"]
    services.service_update(actor=coordinator, service_id=renamed.pk,
                            data={"name": "Identitetstjänst"},
                            expected_version=selectors.service_version(renamed.pk))
    response = client.get(MAP)
    assert "Identitetstjänst" in drawn_systems(response)
    assert "Katalogtjänst" not in html(response)
    department.name = "Utbildningsförvaltningen"
    department.save()
    page = html(client.get(MAP))
    assert "</span>Utbildningsförvaltningen</li>" in page  # the legend
    assert "Barn- och utbildningsförvaltningen" not in page


def test_a_write_that_no_page_of_this_process_made_shows_at_once(client, outsider, links,
                                                                  systems):
    """The map's key is read from the database, so a write from another process (another
    web worker, the admin, a task) shows as soon as it is committed."""
    client.force_login(outsider)
    client.get(MAP)
    Integration.objects.create(source=systems["Schemaläggning"],
                               target=systems["Ekonomisystem"], data="Lärartimmar")
    assert "Lärartimmar" in table_data(client.get(MAP))
    Service.objects.filter(pk=systems["Ekonomisystem"].pk).get().delete()
    data = table_data(client.get(MAP))
    assert "Lärartimmar" not in data and "Kostnadsställen" not in data


def test_a_write_committed_after_a_later_one_shows_too(client, outsider, links, systems):
    """A slow transaction commits a history record stamped before the latest one: the
    version counts the recent records, so the map is drawn again."""
    client.force_login(outsider)
    client.get(MAP)
    latest = Integration.history.order_by("-history_date").first().history_date
    late = Integration.objects.create(source=systems["Schemaläggning"],
                                      target=systems["Katalogtjänst"], data="Rumsbokning")
    late.history.update(history_date=latest - timedelta(seconds=1))
    assert Integration.history.order_by("-history_date").first().history_date == latest
    assert "Rumsbokning" in table_data(client.get(MAP))


def test_an_owner_renamed_shows_at_once(client, outsider, systems, colleague):
    make_integration(systems["Elevregister"], systems["Lärplattform"], owner=colleague)
    client.force_login(outsider)
    assert f"<td>{colleague}</td>" in html(client.get(MAP))
    colleague.first_name, colleague.last_name = "Karl", "Nyman"
    colleague.save()  # a person has no history: their name is read on every request
    page = html(client.get(MAP))
    assert "<td>Karl Nyman</td>" in page


def test_edit_links_are_the_readers_own_though_the_map_is_kept_for_all(
    client, coordinator, orderer, outsider, links, systems
):
    client.force_login(coordinator)
    assert edit_links(client.get(MAP)) == {str(i.pk) for i in links}  # drawn for everyone
    client.force_login(outsider)
    assert edit_links(client.get(MAP)) == set()
    client.force_login(orderer)
    assert edit_links(client.get(MAP)) == set()
    manages = systems["Katalogtjänst"]
    services.service_update(actor=coordinator, service_id=manages.pk,
                            data={"system_manager": orderer},
                            expected_version=selectors.service_version(manages.pk))
    # Now the manager of Katalogtjänst: its two integrations, at once.
    assert edit_links(client.get(MAP)) == {
        str(i.pk) for i in links if manages.pk in {i.source_id, i.target_id}}
    assert client.get(MAP).context["can_add"]


def test_a_deploy_that_changes_the_kept_markup_never_serves_the_former(
    client, outsider, links, monkeypatch
):
    """The kept markup is keyed by a digest of the templates that write it: after a change to
    them (a new process reads them afresh), the map is drawn again, not read as kept."""
    from django.template import engines
    from jinja2 import ChoiceLoader, DictLoader

    from servicecatalog import mapdrawing

    client.force_login(outsider)
    assert "data-new-markup" not in html(client.get(MAP))  # drawn and kept
    env = engines["jinja2"].env
    name = "servicecatalog/systemmap_table.jinja"
    source = env.loader.get_source(env, name)[0].replace('<td class="direction"',
                                                         '<td data-new-markup class="direction"')
    monkeypatch.setattr(env, "loader", ChoiceLoader([DictLoader({name: source}), env.loader]))
    env.cache.clear()
    mapdrawing.templates_digest.cache_clear()
    try:
        assert html(client.get(MAP)).count("data-new-markup") == len(links)
    finally:
        env.cache.clear()
        mapdrawing.templates_digest.cache_clear()


def test_the_map_is_drawn_when_the_cache_is_away(client, outsider, links, cache_away):
    client.force_login(outsider)
    response = client.get(MAP)
    assert response.status_code == 200
    assert table_data(response) == {i.data for i in links}
    assert "get" in cache_away.calls


def test_the_filter_offers_the_same_lists_from_the_cache_as_from_the_database(systems):
    make_service(name='Tecken <&> och "citat"')
    data = {"system": str(systems["Lärplattform"].pk)}
    kept = forms.SystemMapFilterForm(data, choices=forms.SystemMapFilterForm.catalogue_choices())
    read = forms.SystemMapFilterForm(data)
    for name in ("department", "system"):
        assert str(kept[name]) == str(read[name])
    assert "Tecken &lt;&amp;&gt; och &#34;citat&#34;" in str(kept["system"])
    assert f'value="{systems["Lärplattform"].pk}" selected' in str(kept["system"])


def test_service_page_shows_its_neighbourhood(client, outsider, links, systems):
    client.force_login(outsider)
    page = html(client.get(systems["Katalogtjänst"].get_absolute_url()))
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert len(re.findall(r'<a href="[^"]+" class="node', svg)) == 3
    assert "node-centre" in svg
    assert 'id="nb-table"' in page


def test_the_service_page_shows_a_change_to_its_integrations_at_once(
    client, coordinator, outsider, links, systems
):
    page = systems["Katalogtjänst"].get_absolute_url()
    client.force_login(coordinator)
    assert edit_links(client.get(page)) == {
        str(i.pk) for i in links if systems["Katalogtjänst"].pk in {i.source_id, i.target_id}}
    client.force_login(outsider)  # the drawn neighbourhood is kept, the links are not
    assert edit_links(client.get(page)) == set()
    assert table_data(client.get(page), "nb-table") == {"Kostnadsställen", "Inloggning"}
    services.integration_create(actor=coordinator, data={
        "source": systems["Katalogtjänst"], "target": systems["Schemaläggning"],
        "data": "Konton"})
    renamed = systems["Ekonomisystem"]
    services.service_update(actor=coordinator, service_id=renamed.pk,
                            data={"name": "Ekonomi och lön"},
                            expected_version=selectors.service_version(renamed.pk))
    response = client.get(page)
    assert table_data(response, "nb-table") == {"Kostnadsställen", "Inloggning", "Konton"}
    assert "Ekonomi och lön" in drawn_systems(response)


def test_export_of_the_integrations(client, outsider, systems):
    make_integration(systems["Elevregister"], systems["Lärplattform"],
                     data="=cmd|' /C calc'!A0", method="-REST")
    client.force_login(outsider)
    response = client.get(reverse("servicecatalog:systemmap_export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Källsystem", "Målsystem", "Riktning", "Data",
                       "Överföringsteknik eller metod",
                       "Frekvens", "Ägare"]
    assert rows[1][:5] == ["Elevregister", "Lärplattform", "Från källsystem till målsystem",
                           "'=cmd|' /C calc'!A0", "'-REST"]
    response = client.get(reverse("servicecatalog:systemmap_export", args=["xlsx"])
                          + f"?system={systems['Ekonomisystem'].pk}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


# --- writing integrations ---------------------------------------------------------------


def integration_post(source: Service, target: Service, **fields) -> dict[str, str]:
    data = {"source": str(source.pk), "target": str(target.pk), "direction": "one_way",
            "data": "Elever", "method": "", "frequency": "", "owner": ""}
    data.update(fields)
    return data


def test_ordering_function_records_an_integration(client, coordinator, systems):
    client.force_login(coordinator)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, integration_post(systems["Elevregister"],
                                                    systems["Ekonomisystem"],
                                                    data="Elevpeng", owner=str(coordinator.pk)))
    assert response.status_code == 302 and response.url == MAP
    integration = Integration.objects.get(data="Elevpeng")
    assert integration.owner == coordinator
    assert integration.history.first().history_user == coordinator


def test_owner_of_either_system_records_changes_and_removes_its_integrations(
    client, orderer, systems
):
    mine, theirs = systems["Lärplattform"], systems["Ekonomisystem"]
    mine.system_manager = orderer
    mine.save()
    client.force_login(orderer)
    assert client.get(f"{CREATE}?source={mine.pk}").status_code == 200
    response = client.post(CREATE, integration_post(theirs, mine, data="Kostnader",
                                                    next=str(mine.pk)))
    assert response.status_code == 302
    assert response.url == mine.get_absolute_url() + "#integrationer"
    integration = Integration.objects.get(data="Kostnader")
    edit = reverse("servicecatalog:integration_edit", args=[integration.pk])
    assert edit in html(client.get(mine.get_absolute_url()))
    data = integration_post(theirs, mine, data="Kostnader per kurs",
                            version=str(selectors.integration_version(integration.pk)))
    assert client.post(edit, data).status_code == 302
    integration.refresh_from_db()
    assert integration.data == "Kostnader per kurs"
    response = client.post(reverse("servicecatalog:integration_delete", args=[integration.pk]))
    assert response.status_code == 302
    assert not Integration.objects.filter(pk=integration.pk).exists()


def test_others_cannot_record_change_or_remove_integrations(
    client, outsider, orderer, systems, links
):
    somebody_elses = make_service(name="Annat system", system_owner=orderer)
    integration = links[0]  # Elevregister → Lärplattform: orderer owns neither
    edit = reverse("servicecatalog:integration_edit", args=[integration.pk])
    delete = reverse("servicecatalog:integration_delete", args=[integration.pk])
    client.force_login(outsider)  # owns nothing at all
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, integration_post(systems["Elevregister"],
                                                systems["Ekonomisystem"])).status_code == 403
    client.force_login(orderer)  # owns a system, but not these
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, integration_post(systems["Elevregister"],
                                                    systems["Ekonomisystem"]))
    assert response.status_code == 403
    assert "form-errors" in html(response)
    for person in (outsider, orderer):
        client.force_login(person)
        assert client.get(edit).status_code == 403
        assert client.post(edit, integration_post(systems["Elevregister"], somebody_elses,
                                                  version="0")).status_code == 403
        assert client.post(delete).status_code == 403
    assert Integration.objects.filter(pk=integration.pk, data="Elever och grupper").exists()


def test_an_owner_cannot_move_an_integration_to_systems_they_do_not_own(orderer, systems):
    mine = systems["Lärplattform"]
    mine.system_owner = orderer
    mine.save()
    integration = make_integration(mine, systems["Ekonomisystem"])
    with pytest.raises(services.NotAllowed):
        services.integration_update(
            actor=orderer, integration_id=integration.pk,
            data={"source": systems["Elevregister"]},
            expected_version=selectors.integration_version(integration.pk),
        )


def test_a_system_cannot_integrate_with_itself_and_duplicates_are_refused(
    client, coordinator, systems, links
):
    client.force_login(coordinator)
    same = systems["Elevregister"]
    response = client.post(CREATE, integration_post(same, same))
    assert response.status_code == 400
    assert 'id="id_target_error"' in html(response)
    duplicate = integration_post(systems["Elevregister"], systems["Lärplattform"],
                                 data="Elever och grupper")
    response = client.post(CREATE, duplicate)
    assert response.status_code == 400
    assert Integration.objects.filter(data="Elever och grupper").count() == 1


def test_a_stale_integration_edit_is_refused(client, coordinator, change_manager, links):
    integration = links[0]
    edit = reverse("servicecatalog:integration_edit", args=[integration.pk])
    client.force_login(coordinator)
    stale = integration_post(integration.source, integration.target, data="Mitt förslag",
                             version=str(selectors.integration_version(integration.pk)))
    services.integration_update(actor=change_manager, integration_id=integration.pk,
                                data={"frequency": "Varje timme"},
                                expected_version=selectors.integration_version(integration.pk))
    response = client.post(edit, stale)
    assert response.status_code == 409
    assert "Varje timme" in html(response)
    integration.refresh_from_db()
    assert integration.data == "Elever och grupper"


def test_missing_integration_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("servicecatalog:integration_edit", args=[99999])).status_code == 404
    assert client.post(reverse("servicecatalog:integration_delete",
                               args=[99999])).status_code == 404


@pytest.mark.redis
def test_the_map_and_a_service_page_read_from_redis_are_those_drawn_afresh(
    client, outsider, links, systems, redis, settings
):
    import redis as redis_py
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "tyreso_it.core.cache.RedisCache",
                                   "LOCATION": redis, "KEY_PREFIX": "test-systemmap"}}
    cache.clear()
    client.force_login(outsider)
    # The CSRF token is masked afresh on every response, and the style element's CSP nonce
    # is new on every response too.
    token = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+"')
    for url in (MAP, systems["Elevregister"].get_absolute_url()):
        drawn = token.sub("", html(client.get(url)))
        kept = token.sub("", html(client.get(url)))
        assert kept == drawn
    assert redis_py.Redis.from_url(redis).keys("test-systemmap:*systemmap*")
    cache.clear()
