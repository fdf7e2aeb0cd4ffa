"""The trainee's server-rendered pages: home, module, case player, feedback, reliance profile.

Views are thin: they find what the trainee may open (quizzes.access), read through the
selectors, write through the services (the same rules as the API in quizzes.apis) and
hand view-models (quizzes.views.presenters) to the templates.
"""
from .home import home
from .modules import attempt_start, attempt_submit, module_page
from .player import answer_submit, case_page, feedback_fragment, unaided_submit
from .profile import reliance_profile

__all__ = [
    "answer_submit", "attempt_start", "attempt_submit", "case_page", "feedback_fragment", "home", "module_page",
    "reliance_profile", "unaided_submit",
]
