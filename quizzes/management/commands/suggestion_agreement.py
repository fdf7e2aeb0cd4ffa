"""``manage.py suggestion_agreement``: how well the automatic free-text suggestion agrees
with the marks faculty confirmed, over every confirmed free-text answer in the database."""
from django.core.management.base import BaseCommand

from quizzes.review import PASS_SHARE, suggestion_agreement


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


class Command(BaseCommand):
    help = "Cohen's kappa and exact agreement of the free-text suggestion with faculty-confirmed marks."

    def handle(self, *args, **options):
        a = suggestion_agreement()
        out = self.stdout
        out.write(f"Faculty-confirmed free-text answers: {a.answers} ({a.criterion_pairs} criterion marks)")
        out.write(f"Points per criterion: kappa {_number(a.kappa_points)}, exact agreement {_share(a.exact_points)}")
        out.write(f"Pass or fail (at least {PASS_SHARE:.0%} of the points): kappa {_number(a.kappa_pass)}, "
                  f"exact agreement {_share(a.exact_pass)}")
        out.write(f"Total points of the answer: exact agreement {_share(a.exact_total)}")
        for level, figures in a.by_confidence.items():
            out.write(f"  confidence {level}: {figures['answers']} answers; per criterion kappa "
                      f"{_number(figures['kappa_points'])}, exact {_share(figures['exact_points'])}; "
                      f"total exact {_share(figures['exact_total'])}")
