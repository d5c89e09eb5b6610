"""The bare list the benchmark measures every page against (`manage.py bench --http`).

Mounted only in the benchmark's URLconf (bench/urls.py): the orders of the departments the
person is registered for, 25 rows of one indexed query (order_dept_created_idx), a plain
template; behind the same middleware, sessions and login as every page of the product.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orders.models import Order
from organisation.models import OrdererRegistration

ROWS = 25


@require_GET
def bare_order_list(request: HttpRequest) -> HttpResponse:
    departments = (OrdererRegistration.objects.valid_on().filter(person=request.user)
                   .values("department"))
    orders = (Order.objects.filter(department__in=departments)
              .exclude(status=Order.Status.DRAFT)
              .only("pk", "reference", "title", "status", "created_at")
              .order_by("-created_at", "-pk")[:ROWS])
    return render(request, "bench/bare_list.html", {"orders": orders})
