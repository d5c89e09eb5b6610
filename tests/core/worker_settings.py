"""Settings of the real worker the outbox's kill test starts (tests/core/test_outbox_worker.py).

Production's settings from the environment, with two changes the test needs: the broker's keys
carry a prefix of the test's own, so everything the killed workers leave in Redis can be
removed afterwards, and a short claim on a message, so that a message whose worker was killed
mid-send is sent again within seconds rather than minutes.
"""

import os

from tyreso_it.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405 - the broker is Redis in this test
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": os.environ["TEST_BROKER_KEY_PREFIX"],
}
OUTBOX_CLAIM_LEASE = int(os.environ["TEST_OUTBOX_CLAIM_LEASE"])
