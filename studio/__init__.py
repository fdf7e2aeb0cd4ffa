"""The faculty studio: the server-rendered pages under /studio/ where the owner and co-authors
of a course write it, check and publish it, preview it, fix a key and regrade, read the item
analysis, and mark free-text answers in the grading queue.

Its own app because these pages are a layer of their own, above courses and quizzes: they
write through those apps' services (``courses.authoring``, ``courses.services``,
``quizzes.regrade``, ``quizzes.review``) and read through their selectors and models, and
neither of them imports this app. ``courses`` keeps the content, its versions, packages and
the REST API; ``quizzes`` keeps grading. No models.
"""
