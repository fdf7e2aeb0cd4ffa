"""The faculty authoring studio: server-rendered pages under /studio/ (see studio/urls.py).

Views are thin: they check who may do what (``access``), call the services of
``courses.authoring``, ``courses.services`` and ``quizzes.regrade``, and render. Every
page answers 403 to people who author nothing (trainees, reviewers) and 404 for a course
the person does not author, so its existence is not revealed.
"""
