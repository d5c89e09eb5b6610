from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from orders.views import home

urlpatterns = [
    path("", home, name="home"),
    # The login path is replaceable: a municipal single sign-on takes over LOGIN_URL.
    path(
        "konto/logga-in/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("bestallningar/", include("orders.urls")),
    path("bit/", include("board.urls")),
    path("portfolj/", include("portfolio.urls")),
    path("tjanster/", include("servicecatalog.urls")),
    path("huki/", include("raci.urls")),
    path("it-kostnader/", include("costs.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
