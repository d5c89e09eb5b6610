"""`{% load order_secrecy %}`: whether the person may read a secrecy-marked order's need and
attachments (orders.secrecy), for pages outside the order's own that show its need."""

from django import template

from orders import secrecy

register = template.Library()


@register.filter
def secret_readable_by(order, user) -> bool:
    """`{% if order|secret_readable_by:user %}`: see `orders.secrecy.can_read_secret`."""
    return secrecy.can_read_secret(user, order)


@register.simple_tag
def secret_placeholder() -> str:
    """`{% secret_placeholder %}`: what is shown instead of what may not be read."""
    return str(secrecy.PLACEHOLDER)
