"""Settings of the benchmark: the product's own, with the benchmark installed (for its
`manage.py bench`) and its URLconf, which adds the bare list the ratios are measured against.

The settings it extends are `tyreso_it.settings`, or the module named by
BENCH_BASE_SETTINGS (the test suite's, when a test runs the benchmark).
"""

import os
from importlib import import_module

_base = import_module(os.environ.get("BENCH_BASE_SETTINGS") or "tyreso_it.settings")
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

INSTALLED_APPS = [*_base.INSTALLED_APPS, *(["bench"] if "bench" not in _base.INSTALLED_APPS
                                           else [])]
ROOT_URLCONF = "bench.urls"
