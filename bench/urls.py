"""The benchmark's URLconf: the product's own, and the bare list at /bench/bare/."""

from django.urls import path

from tyreso_it.urls import urlpatterns as product

from .views import bare_order_list

urlpatterns = [
    path("bench/bare/", bare_order_list, name="bench_bare_list"),
    *product,
]
