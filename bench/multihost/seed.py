"""Data of the multi-host run (bench/multihost/run.sh), written from the web host into the
database host's fresh PostgreSQL: a school's cohort with a reviewer, one trainee, and a
module of ITEMS single-choice items (key "b") assigned to the cohort.

    python bench/multihost/seed.py OUT.json

Prints nothing secret: the two accounts' password is a throwaway of this run's database.
"""
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training.settings")

import django  # noqa: E402

django.setup()

from schools.models import Role  # noqa: E402
from tests.factories import (AssignmentFactory, CaseFactory, CohortFactory, EnrollmentFactory,  # noqa: E402
                             ItemFactory, MembershipFactory, ModuleFactory, UserFactory)

ITEMS = 40
PASSWORD = "multihost-only-Password-31"  # noqa: S105 (a throwaway database of one run)


def main(out: Path) -> None:
    cohort = CohortFactory()
    module = ModuleFactory()
    case = CaseFactory(module=module)
    items = [ItemFactory(case=case).pk for _ in range(ITEMS)]
    AssignmentFactory(cohort=cohort, course=module.version.course)
    people = {}
    for name, role in (("mh-trainee", Role.TRAINEE), ("mh-reviewer", Role.REVIEWER)):
        user = UserFactory(username=name)
        user.set_password(PASSWORD)
        user.save()
        MembershipFactory(school=cohort.school, user=user, role=role)
        people[role] = user
    EnrollmentFactory(cohort=cohort, user=people[Role.TRAINEE])
    out.write_text(json.dumps({"password": PASSWORD, "trainee": "mh-trainee", "reviewer": "mh-reviewer",
                               "cohort": cohort.pk, "module": module.pk, "items": items}))
    print(f"seeded cohort {cohort.pk}, module {module.pk} with {ITEMS} items, a trainee and a reviewer")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
