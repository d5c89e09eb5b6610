"""The catalogue's addresses, under /tjanster/: two groups, each in its own module."""

from .urls_catalogue import urlpatterns as catalogue_patterns
from .urls_plans import urlpatterns as plan_patterns

app_name = "servicecatalog"

urlpatterns = [*catalogue_patterns, *plan_patterns]
