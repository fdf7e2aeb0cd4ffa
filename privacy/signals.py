"""At sign-in (a password, a single sign-on, an LTI launch alike), look up the privacy notices the
member has still to read and keep them in the session, so that pages ask no query of their own
to know it (``privacy.middleware``)."""
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .services import notices_to_read

SESSION_KEY = "privacy_notices_to_read"


@receiver(user_logged_in, dispatch_uid="privacy.notices_at_sign_in")
def remember_notices_to_read(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    pending = notices_to_read(user)
    if pending:
        request.session[SESSION_KEY] = pending
    else:
        request.session.pop(SESSION_KEY, None)
