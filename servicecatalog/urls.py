"""The catalogue's addresses, under /tjanster/: three groups, each in its own module."""

from .urls_catalogue import urlpatterns as catalogue_patterns
from .urls_key_figures import urlpatterns as key_figure_patterns
from .urls_plans import urlpatterns as plan_patterns

app_name = "servicecatalog"

urlpatterns = [*catalogue_patterns, *key_figure_patterns, *plan_patterns]
