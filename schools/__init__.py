"""Schools and their people: who belongs where, in which role, and the one home of "who may".

Below courses, quizzes and analytics in the layers: every other app scopes its work through
these rows and asks the predicates of ``schools.rules``; this app imports none of them.
"""
