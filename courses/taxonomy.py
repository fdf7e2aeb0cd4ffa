"""The seeded taxonomies (docs/taxonomies.md): competencies and AI failure modes.

Names are marked for translation here and translated where shown; the data migration
copies them into the editable Competency and FailureMode tables.
"""
from django.utils.translation import gettext_noop

COMPETENCIES: dict[str, str] = {
    "FND": gettext_noop("AI foundations, capabilities and limits"),
    "APR": gettext_noop("Appraising AI tools (validation, subgroups, calibration, intended use, model cards)"),
    "VER": gettext_noop("Verifying AI outputs at the point of care"),
    "OVS": gettext_noop("Human oversight and calibrated reliance"),
    "EQB": gettext_noop("Ethics, equity and bias"),
    "DAT": gettext_noop("Health-data protection, privacy, security"),
    "COM": gettext_noop("Telling patients about AI and data use"),
    "GOV": gettext_noop("Workflow, accountability, regulation, incident reporting"),
    "CPD": gettext_noop("Lifelong improvement"),
}

FAILURE_MODES: dict[str, str] = {
    "HAL": gettext_noop("Hallucination (fabrication, negation, causality, context)"),
    "OMI": gettext_noop("Omission"),
    "CLIN": gettext_noop("Clinical-content error (diagnosis, management, drug, dose)"),
    "OLD": gettext_noop("Outdated guidance"),
    "SHIFT": gettext_noop("Population or dataset shift"),
    "SHORT": gettext_noop("Shortcut learning"),
    "BIAS": gettext_noop("Unfair subgroup performance"),
    "CAL": gettext_noop("Miscalibration or bad threshold"),
    "INJ": gettext_noop("Prompt injection"),
    "PRIV": gettext_noop("Privacy leakage"),
    "SCOPE": gettext_noop("Use outside the intended use"),
    "XAI": gettext_noop("Misleading explanation"),
}
