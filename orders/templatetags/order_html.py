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
