"""The one base of refused writes.

Every app's services raise a subclass of `ServiceError` (OrderError, BoardError, ...) when they
refuse a write: the message is fit to show the user, `field` names the form field it belongs
beside, and `status_code` is the HTTP status a view or the API answers with (400 bad input,
403 not allowed, 409 the object's state or version has moved on). Views and the API handle
the base, so a new kind of refusal needs no new handler.
"""


class ServiceError(Exception):
    """A refused write, with a message fit to show the user (next to `field` if given)."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
