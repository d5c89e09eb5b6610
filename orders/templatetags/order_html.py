"""Template tags writing the order pages' hot markup in Python (see orders.html)."""

from django import template

from orders import html

register = template.Library()


@register.simple_tag
def order_table(orders, caption="", empty=""):
    """`{% order_table orders caption empty %}`: what `includes/order_table.html` writes."""
    return html.order_table(orders, caption, empty)


@register.simple_tag
def order_timeline(timeline):
    """`{% order_timeline timeline %}`: an order's history entries as the page's list."""
    return html.timeline_html(timeline.entries)


@register.simple_tag
def form_fields(form):
    """`{% form_fields form %}`: every field of the form as its field group."""
    return html.form_fields(form)


@register.simple_tag
def form_html(form):
    """`{% form_html form %}`: what `{{ form }}` writes."""
    return html.form_html(form)


@register.simple_tag
def person_options(people, selected):
    """`{% person_options people selected_id %}`: the people as a select's options."""
    return html.person_options(people, selected)
