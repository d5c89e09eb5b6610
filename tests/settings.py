"""The settings the test suite runs with: the product's own (`tyreso_it.settings`), with a
signing key of the suite's when the environment gives none.

The suite runs with DEBUG off, as production does, and with DEBUG off the settings refuse to
load without SECRET_KEY. The key is put in the environment, so the processes a test starts
(a worker, a server) read the same one.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-signing-key-never-used-outside-the-test-suite")

from tyreso_it.settings import *  # noqa: E402, F403

# The benchmark's management command is tested too (tests/bench).
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
