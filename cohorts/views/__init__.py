"""Server-rendered pages of school staff (cohort dashboard, reliance analytics, trends,
drill-down to a trainee, exports, attestations) and the public attestation check.

Views are thin: they check access (a cohort the user may not see answers 404, as the API
does), validate the query with a form (bad input answers 400 with the form's messages),
call selectors and services, and record reads of identifiable trainee data in the audit log.
"""
