"""The seeded categories of use of an AI tool (editable in the Django admin afterwards).

Names are marked for translation here and translated where shown; the data migration copies
them into the ToolCategory table. ``kinds`` are the kinds of AI output (courses.Artifact.Kind)
a tool of the category produces: a module whose cases show such outputs is suggested as
training for it.
"""
from django.utils.translation import gettext_noop

CATEGORIES: list[dict] = [
    {"code": "imaging", "name": gettext_noop("Imaging detection"), "kinds": ["image"]},
    {"code": "triage", "name": gettext_noop("Triage and early warning"), "kinds": ["prediction"]},
    {"code": "scribe", "name": gettext_noop("Documentation and ambient scribe"), "kinds": ["text"]},
    {"code": "llm", "name": gettext_noop("General-purpose LLM assistant"), "kinds": ["chat", "text"]},
    {"code": "dosing", "name": gettext_noop("Decision support and dosing"), "kinds": ["prediction", "text"]},
    {"code": "patient-chat", "name": gettext_noop("Patient-facing chat"), "kinds": ["chat"]},
    {"code": "other", "name": gettext_noop("Other"), "kinds": []},
]
