"""French is a first-class language: the catalogue is complete and compiled."""
from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "fr" / "LC_MESSAGES"


def test_every_french_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not missing, missing[:10]


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    assert {e.msgid for e in po.translated_entries()} == {e.msgid for e in mo if e.msgid}


def test_interface_strings_are_served_in_french():
    with translation.override("fr"):
        assert translation.gettext("Sign in") == "Se connecter"
