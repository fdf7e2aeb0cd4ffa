"""The interface owns the transaction: a service that writes says it needs one, and the
page, API view, task or command that calls it opens it.

``@in_callers_transaction`` refuses to run outside ``transaction.atomic``: a caller that
forgot the transaction fails at once, in every test that goes through it, instead of
leaving half a change behind in production the day a later step fails.
"""
from functools import wraps

from django.db import transaction


class TransactionRequired(RuntimeError):
    """A service that writes was called outside the caller's transaction."""


def in_callers_transaction(service):
    @wraps(service)
    def run(*args, **kwargs):
        if not transaction.get_connection().in_atomic_block:
            raise TransactionRequired(f"{service.__module__}.{service.__qualname__} runs inside the caller's "
                                      "transaction (transaction.atomic); none is open")
        return service(*args, **kwargs)

    return run
