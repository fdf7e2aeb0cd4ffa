from django.db import migrations

from registry.taxonomy import CATEGORIES


def seed(apps, schema_editor):
    ToolCategory = apps.get_model("registry", "ToolCategory")
    for position, c in enumerate(CATEGORIES):
        ToolCategory.objects.update_or_create(code=c["code"], defaults={
            "name": c["name"], "artifact_kinds": c["kinds"], "position": position})


def unseed(apps, schema_editor):
    apps.get_model("registry", "ToolCategory").objects.filter(code__in=[c["code"] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
