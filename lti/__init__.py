"""LTI 1.3 Advantage: Vigil as a tool that a school's LMS (Moodle, Canvas, Open edX) launches.

Registration of a school's platform, OIDC login and launch (pylti1p3 validates the id_token),
the person signed in and enrolled in the cohort bound to the LMS course, and what the launch
opens. docs/lti.md says how a school registers Vigil in its LMS.
"""
