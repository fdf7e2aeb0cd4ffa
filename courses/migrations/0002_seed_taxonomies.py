from django.db import migrations

from courses.taxonomy import COMPETENCIES, FAILURE_MODES


def seed(apps, schema_editor):
    Competency = apps.get_model("courses", "Competency")
    FailureMode = apps.get_model("courses", "FailureMode")
    for code, name in COMPETENCIES.items():
        Competency.objects.update_or_create(code=code, defaults={"name": name})
    for code, name in FAILURE_MODES.items():
        FailureMode.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("courses", "Competency").objects.filter(code__in=COMPETENCIES).delete()
    apps.get_model("courses", "FailureMode").objects.filter(code__in=FAILURE_MODES).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
