from django.contrib import admin
from django.urls import include, path

from orders.views import home

urlpatterns = [
    path("", home, name="home"),
    # Logging in and out, with a password and through the identity provider (single sign-on).
    path("", include("organisation.urls")),
    path("bestallningar/", include("orders.urls")),
    path("bit/", include("board.urls")),
    path("portfolj/", include("portfolio.urls")),
    path("tjanster/", include("servicecatalog.urls")),
    path("huki/", include("raci.urls")),
    path("it-kostnader/", include("costs.urls")),
    path("gallring/", include("records.urls")),
    path("diarium/", include("registry.urls")),
    path("tillganglighet/", include("accessibility.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
