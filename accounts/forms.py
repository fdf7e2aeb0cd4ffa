"""The sign-in form: Django's, saying so when the right password was refused because the
person's school allows single sign-on only (the password backend leaves the schools'
names on the request as ``local_sign_in_refused``)."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    def get_invalid_login_error(self):
        schools = getattr(self.request, "local_sign_in_refused", None)
        if schools:
            return forms.ValidationError(
                _("%(schools)s lets its members sign in through single sign-on only: use "
                  "“Sign in with your school”.") % {"schools": ", ".join(schools)},
                code="sso_only",
            )
        return super().get_invalid_login_error()
