"""The grading read-model: what each final grade adds to a trainee's running sums, and the
reliance measures computed from them.

A separate app because it has two sides that must not know each other: grading (``quizzes``)
writes these rows in the grade's own transaction, analytics (``cohorts``) only read them.
"""
