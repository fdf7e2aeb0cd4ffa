"""What the quizzes app tells higher apps, inside the transaction of the change.

A higher app (``xapi``) receives these to write its own rows in the same transaction
(its statement outbox), so the lower app never imports it and nothing is lost between
the change and the row that follows from it. A receiver must not do network work: it
runs while the change's transaction is open.
"""
from django.dispatch import Signal

# A new attempt was opened (not sent for the open attempt ``attempt_start`` returns again).
# Arguments: attempt.
attempt_started = Signal()
# An attempt was submitted: no more answers; 'after attempt' feedback becomes due. Arguments: attempt.
attempt_submitted = Signal()
# A response got its grade, automatic or manual (a free-text answer: when faculty first
# confirm it). Arguments: response (with .item, .attempt), grade.
response_graded = Signal()
# Final grades were given again and may have changed: a regrade (after a key or a ground-truth
# fix, or on its own) or a faculty member changing a confirmed grade. Arguments: response_ids.
grades_revised = Signal()
