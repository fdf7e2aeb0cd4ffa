"""The files of cohort exports: progress, grades, measures and the pseudonymised research
extract, as CSV (a ZIP of CSVs when there are several tables) or one XLSX workbook.

Rows are streamed from the database (``iterator``) into a temporary file, so a cohort of
10,000 trainees does not sit in memory as model instances; ``on_progress(done, total)`` is
called every ``PROGRESS_EVERY`` rows for the job's progress bar.

Column names are stable snake_case identifiers (scripts read them); an empty cell is an
undefined measure, never 0. Text that a spreadsheet could run as a formula is neutralised.

Research extract: no names, usernames or e-mails. A trainee is ``P-`` + the first 16 hex
digits of HMAC-SHA256(job salt, trainee id): stable within one export, unlinkable across
exports (each job draws its own salt). Rows are ordered by pseudonym (not by name). Small
cells are suppressed where a small group could single someone out: a training year (the one
quasi-identifier kept) shared by fewer than 5 trainees is written "suppressed"; in the
aggregate table by training year, a group of fewer than 5 trainees is suppressed whole, a
count from 1 to 4 is written "<5" and a rate over fewer than 5 observations "suppressed".
The per-trainee and per-decision tables are pseudonymised individual records (what a
reliance study needs), so their own figures are kept.
"""
import csv
import hashlib
import hmac
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files import File
from django.db.models import Sum
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Competency, FailureMode
from quizzes.models import Grade

from .attestations import safe_cell
from progress.measures import all_measures
from .models import ExportJob
from progress.models import MeasureCounter, ModuleProgress
from schools.selectors import cohort_trainee_ids
from .selectors.dashboard import cohort_courses
from .selectors.reliance import cohort_reliance_overview

PROGRESS_EVERY = 1000
SMALL_CELL = 5
SUPPRESSED = "suppressed"
ProgressCallback = Callable[[int, int], None]


@dataclass
class Table:
    name: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    total: int


# ---------------------------------------------------------------- tables

def _course_scope(job: ExportJob):
    courses = cohort_courses(cohort=job.cohort)
    if job.course_id:
        courses = [c for c in courses if c.course.pk == job.course_id]
    return courses


def _people(job: ExportJob):
    return list(
        User.objects.filter(pk__in=cohort_trainee_ids(cohort=job.cohort))
        .order_by("last_name", "first_name", "username", "id")
        .values_list("id", "username", "last_name", "first_name", "email", "training_year")
    )


def progress_table(job: ExportJob) -> Table:
    courses = _course_scope(job)
    people = _people(job)
    rows = {}
    for tid, cid, slug, graded, total, score, started, last, done in ModuleProgress.objects.filter(
            trainee_id__in=cohort_trainee_ids(cohort=job.cohort), course_id__in=[c.course.pk for c in courses],
    ).values_list("trainee_id", "course_id", "module_slug", "items_graded", "items_total", "score_sum",
                  "started_at", "last_activity_at", "completed_at").iterator(chunk_size=5000):
        rows[(tid, cid, slug)] = (graded, total, score, started, last, done)

    def generate() -> Iterator[Sequence]:
        for tid, username, last_name, first_name, email, year in people:
            for c in courses:
                for m in c.modules:
                    p = rows.get((tid, c.course.pk, m.slug))
                    status = "not_started" if p is None else ("completed" if p[5] else "in_progress")
                    yield (username, last_name, first_name, email, year, c.course.slug,
                           c.version.number if c.version else None, m.position, m.slug, m.title, status,
                           p[0] if p else 0, p[1] if p else None, (p[2] / p[0]) if p and p[0] else None,
                           p[3] if p else None, p[4] if p else None, p[5] if p else None)

    return Table(
        name="progress",
        header=("username", "last_name", "first_name", "email", "training_year", "course", "version",
                "module_position", "module", "module_title", "status", "items_graded", "items_total", "mean_score",
                "started_at", "last_activity_at", "completed_at"),
        rows=generate(), total=len(people) * sum(len(c.modules) for c in courses),
    )


def _grades(job: ExportJob):
    course_ids = [c.course.pk for c in _course_scope(job)]
    return Grade.objects.filter(
        response__attempt__trainee_id__in=cohort_trainee_ids(cohort=job.cohort),
        response__attempt__course_id__in=course_ids,
    )


def grades_table(job: ExportJob) -> Table:
    grades = _grades(job)
    rows = (
        grades.annotate(decision=KT("detail__decision"), confidence=KT("detail__confidence"))
        .order_by("response__attempt__trainee__last_name", "response__attempt__trainee__first_name",
                  "response__attempt__trainee__username", "graded_at", "id")
        .values_list(
            "response__attempt__trainee__username", "response__attempt__trainee__last_name",
            "response__attempt__trainee__first_name", "response__attempt__course__slug",
            "response__attempt__module__version__number", "response__attempt__module_slug",
            "response__item__case__slug", "response__item__slug", "response__item__type",
            "response__item__artifact__ai_correct", "decision", "confidence", "score", "cbm_mark", "is_final",
            "graded_at",
        )
        .iterator(chunk_size=2000)
    )
    return Table(
        name="grades",
        header=("username", "last_name", "first_name", "course", "version", "module", "case", "item", "item_type",
                "ai_output_correct", "decision", "confidence", "score", "cbm_mark", "final", "graded_at"),
        rows=rows, total=grades.count(),
    )


def _codes() -> tuple[list[str], list[str]]:
    return (list(Competency.objects.order_by("code").values_list("code", flat=True)),
            list(FailureMode.objects.order_by("code").values_list("code", flat=True)))


MEASURE_COLUMNS = ("items_graded", "mean_score", "decisions", "ai_right", "ai_wrong", "automation_bias_rate",
                   "aversion_rate", "appropriate_reliance", "accuracy_ai_right", "accuracy_ai_wrong", "rair", "rsr",
                   "brier_score", "d_prime", "cbm_mean")


# Every proportion's evidence: its count k, its denominator n and the 95% Wilson bounds;
# the Brier score's n and normal-approximation bounds; d′'s highest reachable value.
EVIDENCE_PROPORTIONS = ("automation_bias", "aversion", "appropriate_reliance", "accuracy_ai_right",
                        "accuracy_ai_wrong", "rair", "rsr")
EVIDENCE_COLUMNS = (
    *[f"{name}_{part}" for name in EVIDENCE_PROPORTIONS for part in ("k", "n", "low", "high")],
    "brier_n", "brier_low", "brier_high", "d_prime_max",
)


def _evidence_values(m: dict) -> list:
    ev = m["reliance"]["evidence"]
    out = [ev[name][part] for name in EVIDENCE_PROPORTIONS for part in ("k", "n", "low", "high")]
    return [*out, ev["brier"]["n"], ev["brier"]["low"], ev["brier"]["high"], m["detection"]["d_prime_evidence"]["max"]]


def _measure_values(m: dict, competencies: list[str], failure_modes: list[str]) -> list:
    r = m["reliance"]
    d = m["detection"]
    return [
        m["items_graded"], m["mean_score"], r["decisions"], r["ai_right"], r["ai_wrong"], r["automation_bias_rate"],
        r["aversion_rate"], r["appropriate_reliance"], r["accuracy_ai_right"], r["accuracy_ai_wrong"], r["rair"],
        r["rsr"], r["brier_score"], d["d_prime"], m["cbm"]["mean"],
        *[(m["mastery_by_competency"].get(c) or {}).get("mastery") for c in competencies],
        *[(d["recall_by_failure_mode"].get(f) or {}).get("recall") for f in failure_modes],
        *_evidence_values(m),
    ]


def _counters_in_name_order(job: ExportJob) -> Iterator[tuple[int, dict[str, float]]]:
    """(trainee id, summed counters) in the people's order, one trainee at a time."""
    course_ids = [c.course.pk for c in _course_scope(job)]
    rows = (
        MeasureCounter.objects.filter(trainee_id__in=cohort_trainee_ids(cohort=job.cohort), course_id__in=course_ids)
        .values_list("trainee__last_name", "trainee__first_name", "trainee__username", "trainee_id", "name")
        .annotate(total=Sum("value"))
        .order_by("trainee__last_name", "trainee__first_name", "trainee__username", "trainee_id")
        .iterator(chunk_size=5000)
    )
    current, counters = None, {}
    for *_names, tid, name, value in rows:
        if tid != current:
            if current is not None:
                yield current, counters
            current, counters = tid, {}
        counters[name] = counters.get(name, 0) + value
    if current is not None:
        yield current, counters


def _measures_by_trainee(job: ExportJob, people) -> Iterator[tuple[tuple, dict]]:
    """Each person with their all_measures, merging two streams in the same order."""
    stream = _counters_in_name_order(job)
    pending = next(stream, None)
    for person in people:
        counters = {}
        if pending is not None and pending[0] == person[0]:
            counters = pending[1]
            pending = next(stream, None)
        yield person, all_measures(counters)


def measures_table(job: ExportJob) -> Table:
    competencies, failure_modes = _codes()
    people = _people(job)

    def generate():
        for (tid, username, last_name, first_name, email, year), m in _measures_by_trainee(job, people):
            yield (username, last_name, first_name, year, *_measure_values(m, competencies, failure_modes))

    return Table(
        name="measures",
        header=("username", "last_name", "first_name", "training_year", *MEASURE_COLUMNS,
                *[f"mastery_{c}" for c in competencies], *[f"recall_{f}" for f in failure_modes], *EVIDENCE_COLUMNS),
        rows=generate(), total=len(people),
    )


# ---------------------------------------------------------------- research extract

def pseudonym(salt: str, trainee_id: int) -> str:
    return "P-" + hmac.new(bytes.fromhex(salt), str(trainee_id).encode(), hashlib.sha256).hexdigest()[:16]


def small_count(n: int) -> int | str:
    return n if n == 0 or n >= SMALL_CELL else "<5"


def small_rate(value: float | None, denominator: float) -> float | str | None:
    if value is None:
        return None
    return SUPPRESSED if denominator < SMALL_CELL else value


YEAR_EVIDENCE = ("automation_bias", "aversion", "appropriate_reliance", "accuracy_ai_right", "accuracy_ai_wrong",
                 "brier")


def research_tables(job: ExportJob) -> list[Table]:
    competencies, failure_modes = _codes()
    people = _people(job)
    year_sizes: dict = {}
    for person in people:
        year_sizes[person[5]] = year_sizes.get(person[5], 0) + 1

    def year_of(year):
        if year is None:
            return None
        return year if year_sizes.get(year, 0) >= SMALL_CELL else SUPPRESSED

    by_id = dict(_counters_in_name_order(job))  # {trainee id: counters}, one small dict per trainee
    trainees = sorted(
        ((pseudonym(job.salt, p[0]), year_of(p[5]),
          *_measure_values(all_measures(by_id.get(p[0], {})), competencies, failure_modes))
         for p in people),
        key=lambda row: row[0],
    )
    course_ids = [c.course.pk for c in _course_scope(job)]
    overview = cohort_reliance_overview(cohort=job.cohort, course_ids=course_ids)
    years = []
    for group in overview["by_year"]:
        n = group["trainees"]
        m, r = group["measures"], group["measures"]["reliance"]
        if n < SMALL_CELL:
            years.append((group["year"], small_count(n), *[SUPPRESSED] * (8 + 3 * len(YEAR_EVIDENCE))))
            continue
        wrong, right = r["ai_wrong"], r["ai_right"]
        confident = sum(b["n"] for b in r["calibration"])
        years.append((
            group["year"], n, small_rate(m["mean_score"], m["items_graded"]), small_count(r["decisions"]),
            small_rate(r["automation_bias_rate"], wrong), small_rate(r["aversion_rate"], right),
            small_rate(r["appropriate_reliance"], wrong + right), small_rate(r["accuracy_ai_right"], right),
            small_rate(r["accuracy_ai_wrong"], wrong), small_rate(r["brier_score"], confident),
            *[cell for name in YEAR_EVIDENCE for cell in (
                small_count(r["evidence"][name]["n"]), small_rate(r["evidence"][name]["low"], r["evidence"][name]["n"]),
                small_rate(r["evidence"][name]["high"], r["evidence"][name]["n"]))],
        ))
    decisions = _research_decisions(job)
    readme = [(line,) for line in _research_readme(job)]
    return [
        Table("README", ("about",), readme, len(readme)),
        Table("trainees", ("pseudonym", "training_year", *MEASURE_COLUMNS, *[f"mastery_{c}" for c in competencies],
                           *[f"recall_{f}" for f in failure_modes], *EVIDENCE_COLUMNS), trainees, len(trainees)),
        Table("by_training_year", ("training_year", "trainees", "mean_score", "decisions", "automation_bias_rate",
                                   "aversion_rate", "appropriate_reliance", "accuracy_ai_right", "accuracy_ai_wrong",
                                   "brier_score",
                                   *[f"{name}_{part}" for name in YEAR_EVIDENCE for part in ("n", "low", "high")]),
              years, len(years)),
        Table("decisions", ("pseudonym", "course", "module", "item", "ai_output_correct", "decided_first",
                            "initial_correct", "decision", "final_correct", "confidence", "graded_week"),
              decisions, len(decisions)),
    ]


def _flag(value) -> int | None:
    if value is None:
        return None
    return 1 if value in (True, 1, "true", "1") else 0


def _research_decisions(job: ExportJob) -> list[tuple]:
    rows = []
    for tid, course, module, item, ai_correct, detail, graded_at in (
        _grades(job).filter(is_final=True, response__item__type="reliance_decision")
        .values_list("response__attempt__trainee_id", "response__attempt__course__slug",
                     "response__attempt__module_slug", "response__item__slug", "response__item__artifact__ai_correct",
                     "detail", "graded_at")
        .iterator(chunk_size=5000)
    ):
        year, week, _day = timezone.localtime(graded_at).isocalendar()
        rows.append((pseudonym(job.salt, tid), course, module, item, _flag(ai_correct),
                     _flag(detail.get("initial_answer") is not None), _flag(detail.get("initial_correct")),
                     detail.get("decision"), _flag(detail.get("final_correct")), detail.get("confidence"),
                     f"{year}-W{week:02d}"))
    rows.sort(key=lambda r: r[0])
    return rows


def _research_readme(job: ExportJob) -> list[str]:
    return [
        _("Pseudonymised research extract of a Vigil cohort (%(cohort)s, academic year %(year)s).") % {
            "cohort": job.cohort.name, "year": job.cohort.year or "—"},
        _("Generated on %(date)s.") % {"date": timezone.localtime().date().isoformat()},
        _("There are no names, usernames or e-mail addresses. A trainee is a pseudonym, P- followed by 16 hexadecimal "
          "digits of an HMAC-SHA256 of their identifier keyed with a random salt drawn for this export only: the same "
          "trainee has the same pseudonym in every table of this file, and another pseudonym in any other export."),
        _("Small cells are suppressed. In the trainees table, a training year shared by fewer than 5 trainees of the "
          "cohort is written 'suppressed'. In the table by training year, a group of fewer than 5 trainees is "
          "suppressed whole (its size written <5), a count from 1 to 4 is written <5 and a rate computed from fewer "
          "than 5 observations is written 'suppressed'. Rows are ordered by pseudonym."),
        _("An empty cell is a measure over an empty set (undefined), never zero."),
        _("Measures are those of the Vigil design: automation bias rate = wrong AI outputs accepted / wrong AI "
          "outputs; aversion rate = right AI outputs overridden / right AI outputs; RAIR and RSR as in Schemmer et al. "
          "(2023); Brier score over answers with a stated confidence; d_prime over sentences of AI texts."),
        _("Evidence beside each rate: <name>_k is the count of successes, <name>_n the number of observations it is "
          "over, and <name>_low, <name>_high the bounds of its 95% Wilson score interval (Wilson 1927, z = 1.96), for "
          "automation_bias, aversion, appropriate_reliance, accuracy_ai_right, accuracy_ai_wrong, rair and rsr. "
          "brier_low and brier_high bound a conservative normal-approximation 95% interval of the Brier score, "
          "mean ± 1.96 × sqrt(mean × (1 − mean) / n), the largest variance values in [0, 1] can have with that mean."),
        _("d_prime uses the log-linear correction (Hautus 1995): hit rate = (hits + 0.5) / (signal sentences + 1) and "
          "false-alarm rate = (false alarms + 0.5) / (noise sentences + 1), d_prime = z(hit rate) − z(false-alarm "
          "rate), so that a perfect or empty rate stays finite; it has no interval. d_prime_max is the highest d_prime "
          "reachable on the same sentences (every error found, no false alarm): read d_prime against it, since on "
          "short texts it can be below 2."),
    ]


def tables_for(job: ExportJob) -> list[Table]:
    if job.kind == ExportJob.Kind.PROGRESS:
        return [progress_table(job)]
    if job.kind == ExportJob.Kind.GRADES:
        return [grades_table(job)]
    if job.kind == ExportJob.Kind.MEASURES:
        return [measures_table(job)]
    if job.kind == ExportJob.Kind.RESEARCH:
        return research_tables(job)
    raise ValueError(f"unknown export kind {job.kind!r}")


# ---------------------------------------------------------------- writers

def _plain(value, *, xlsx: bool):
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, microsecond=0) if xlsx else local.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value if xlsx else value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        return round(value, 6)
    if value is None:
        return None if xlsx else ""
    return safe_cell(value)


class _Counter:
    def __init__(self, total: int, on_progress: ProgressCallback | None):
        self.done, self.total, self.on_progress = 0, max(total, 1), on_progress

    def tick(self) -> None:
        self.done += 1
        if self.on_progress and self.done % PROGRESS_EVERY == 0:
            self.on_progress(self.done, self.total)


def _write_csv(table: Table, stream, counter: _Counter) -> None:
    writer = csv.writer(stream)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_plain(v, xlsx=False) for v in row])
        counter.tick()


def write_file(tables: list[Table], fmt: str, fileobj, *, on_progress: ProgressCallback | None = None) -> str:
    """Write the tables to ``fileobj`` (binary); returns the file extension."""
    counter = _Counter(sum(t.total for t in tables), on_progress)
    if fmt == ExportJob.Format.XLSX:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        for table in tables:
            sheet = workbook.create_sheet(title=table.name[:31])
            sheet.append(list(table.header))
            for row in table.rows:
                sheet.append([_plain(v, xlsx=True) for v in row])
                counter.tick()
        workbook.save(fileobj)
        extension = "xlsx"
    elif len(tables) == 1:
        text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
        _write_csv(tables[0], text, counter)
        text.flush()
        text.detach()
        extension = "csv"
    else:
        with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in tables:
                with archive.open(f"{table.name}.csv" if table.name != "README" else "README.txt", "w") as member:
                    text = io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
                    if table.name == "README":
                        for (line,) in table.rows:
                            text.write(line + "\n")
                            counter.tick()
                    else:
                        _write_csv(table, text, counter)
                    text.flush()
                    text.detach()
        extension = "zip"
    if on_progress:
        on_progress(counter.done, counter.total)
    return extension


def build(job: ExportJob, *, on_progress: ProgressCallback | None = None) -> tuple[str, File]:
    """The export's file (a temporary file, to be saved to storage) and its download name."""
    tables = tables_for(job)
    handle = tempfile.TemporaryFile()
    extension = write_file(tables, job.format, handle, on_progress=on_progress)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{job.cohort.slug}-{job.kind}-{stamp}.{extension}"
    return filename, File(handle, name=filename)
