"""Sign-in protection: the page django-axes shows during a lockout, and the password reset
request throttled per e-mail address and per client address (``training.throttles``)."""
import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import ngettext

from training.throttles import throttle_wait


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def locked_out(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: too many failed sign-ins for this username from this address
    (every sign-in page: the site's, the browsable API's, the admin's). 429, and the cool-off."""
    seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    response = render(request, "registration/locked_out.html", {"minutes": _minutes(seconds)}, status=429)
    response["Retry-After"] = str(int(seconds))
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, refused (429, no e-mail) beyond ``password_reset_email`` requests
    for one address or ``password_reset_ip`` from one client. Every valid request counts, for an
    address with an account or without, so the limit tells nothing about who has one."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        wait = (throttle_wait(self.request, scope="password_reset_ip")
                or throttle_wait(self.request, scope="password_reset_email", key=email))
        if wait is None:
            return super().form_valid(form)
        minutes = _minutes(wait)
        form.add_error(None, ngettext(
            "Too many password reset requests: wait %(minutes)d minute and try again.",
            "Too many password reset requests: wait %(minutes)d minutes and try again.", minutes,
        ) % {"minutes": minutes})
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(wait)
        return response
