"""Export files move out of MEDIA_ROOT (served to anyone with the address) into
PRIVATE_FILES_ROOT, where only the download view, which checks who asks, reads them."""
import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import cohorts.models


def move_files(apps, schema_editor, *, source: Path, target: Path) -> None:
    ExportJob = apps.get_model("cohorts", "ExportJob")
    for name in ExportJob.objects.exclude(file="").values_list("file", flat=True):
        old, new = source / name, target / name
        if old.is_file() and not new.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(old, new)


def to_private(apps, schema_editor):
    move_files(apps, schema_editor, source=Path(settings.MEDIA_ROOT), target=Path(settings.PRIVATE_FILES_ROOT))


def to_media(apps, schema_editor):
    move_files(apps, schema_editor, source=Path(settings.PRIVATE_FILES_ROOT), target=Path(settings.MEDIA_ROOT))


class Migration(migrations.Migration):

    dependencies = [
        ("cohorts", "0007_auditevent_school_at_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exportjob",
            name="file",
            field=models.FileField(blank=True, storage=cohorts.models.private_storage, upload_to="exports/%Y/%m/",
                                   verbose_name="file"),
        ),
        migrations.RunPython(to_private, to_media),
    ]
