"""Writing a validated package document into a draft version.

Rows are created level by level with ``bulk_create`` (PostgreSQL returns their ids), so
importing a course costs about a dozen queries whatever its size. The caller owns the
transaction: the whole tree is written or nothing is.
"""
from decimal import Decimal

from ..models import Artifact, Case, CourseVersion, Item, ItemKey, Lesson, MediaAsset, Module
from .media import MediaFile


def hours_decimal(value) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.1"))


def write_tree(version: CourseVersion, data: dict) -> None:
    """Create the modules, lessons, cases, artifacts and items of ``data`` in ``version``."""
    modules_data = data["modules"]
    modules = Module.objects.bulk_create([
        Module(
            version=version, slug=m["slug"], position=i, title=m["title"], summary=m.get("summary", ""),
            feedback_policy=m.get("feedback_policy", Module.FeedbackPolicy.IMMEDIATE),
        )
        for i, m in enumerate(modules_data)
    ])
    Lesson.objects.bulk_create([
        Lesson(module=module, slug=lesson["slug"], position=i, title=lesson["title"], body=lesson["body"])
        for module, m in zip(modules, modules_data)
        for i, lesson in enumerate(m.get("lessons", []))
    ])
    case_rows, case_data = [], []
    for module, m in zip(modules, modules_data):
        for i, c in enumerate(m.get("cases", [])):
            case_rows.append(Case(module=module, slug=c["slug"], position=i, title=c["title"], vignette=c["vignette"]))
            case_data.append(c)
    cases = Case.objects.bulk_create(case_rows)
    artifacts = write_artifacts(cases, case_data)
    write_items(cases, case_data, artifacts)


def write_artifacts(cases: list[Case], case_data: list[dict]) -> dict[tuple[int, str], Artifact]:
    rows, modes = [], []
    for case, c in zip(cases, case_data):
        for i, a in enumerate(c["artifacts"]):
            truth = a["ground_truth"]
            rows.append(Artifact(
                case=case, slug=a["slug"], position=i, kind=a["kind"], title=a["title"],
                source=a.get("source", ""), content=a["content"], ai_correct=truth["correct"],
                truth_explanation=truth.get("explanation", ""),
            ))
            modes.append(truth.get("failure_modes", []))
    rows = Artifact.objects.bulk_create(rows)
    Through = Artifact.failure_modes.through
    Through.objects.bulk_create([
        Through(artifact_id=artifact.id, failuremode_id=code)
        for artifact, codes in zip(rows, modes) for code in codes
    ])
    return {(artifact.case_id, artifact.slug): artifact for artifact in rows}


def write_items(cases: list[Case], case_data: list[dict], artifacts: dict[tuple[int, str], Artifact]) -> None:
    rows, sources = [], []
    for case, c in zip(cases, case_data):
        for i, it in enumerate(c["items"]):
            artifact = artifacts[(case.id, it["artifact"])] if it.get("artifact") else None
            rows.append(Item(
                case=case, slug=it["slug"], position=i, type=it["type"], artifact=artifact,
                prompt=it["prompt"], spec=it.get("spec", {}), tags=it.get("tags", []), idnumber=it.get("idnumber", ""),
            ))
            sources.append(it)
    rows = Item.objects.bulk_create(rows)
    ItemKey.objects.bulk_create([
        ItemKey(item=item, answer=it["key"], rationale=it.get("rationale", ""), hints=it.get("hints", []))
        for item, it in zip(rows, sources)
    ])
    Competencies = Item.competencies.through
    Competencies.objects.bulk_create([
        Competencies(item_id=item.id, competency_id=code)
        for item, it in zip(rows, sources) for code in it["competencies"]
    ])
    Modes = Item.failure_modes.through
    Modes.objects.bulk_create([
        Modes(item_id=item.id, failuremode_id=code)
        for item, it in zip(rows, sources) for code in it.get("failure_modes", [])
    ])


def write_media(version: CourseVersion, files: list[MediaFile], names: dict[str, str]) -> None:
    """One MediaAsset row per package path; ``names`` maps the path to its storage name."""
    MediaAsset.objects.bulk_create([
        MediaAsset(
            version=version, path=media.path, file=names[media.path], content_type=media.content_type,
            size=len(media.content), sha256=media.sha256,
        )
        for media in files
    ])
