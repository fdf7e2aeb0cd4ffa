"""A course's school is now schools.School (the same table)."""
import django.db.models.deletion
from django.db import migrations, models



class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_item_artifact_restrict'),
        ('schools', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table keeps the cohorts_ names): only
            # Django's picture of which app owns them changes, so no row moves.
            state_operations=[
                migrations.AlterField(
                    model_name='course',
                    name='school',
                    field=models.ForeignKey(blank=True, help_text='The school that owns the course; empty for platform-wide content.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='courses', to='schools.school', verbose_name='school'),
                ),
            ],
            database_operations=[],
        ),
    ]
