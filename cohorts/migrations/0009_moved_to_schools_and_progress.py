"""Schools, their people and the audit log went to schools/, the grading read-model to progress/."""
import django.db.models.deletion
from django.db import migrations, models



MOVED = {
    "schools": ["school", "membership", "cohort", "enrollment", "assignment", "auditevent"],
    "progress": ["moduleprogress", "measurecounter", "answerday", "answeraftermodule"],
}


def content_types_follow(apps, schema_editor):
    """Admin history and permissions point at content types: give them the new app label."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        for name in names:
            if not ContentType.objects.filter(app_label=app_label, model=name).exists():
                ContentType.objects.filter(app_label="cohorts", model=name).update(app_label=app_label)


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        ContentType.objects.filter(app_label=app_label, model__in=names).update(app_label="cohorts")


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0008_exports_in_private_storage'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('courses', '0004_alter_course_school'),
        ('progress', '0001_initial'),
        ('schools', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table keeps the cohorts_ names): only
            # Django's picture of which app owns them changes, so no row moves.
            state_operations=[
                migrations.RemoveField(
                    model_name='answeraftermodule',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='answeraftermodule',
                    name='module_course',
                ),
                migrations.RemoveField(
                    model_name='answeraftermodule',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='answerday',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='answerday',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='assignment',
                    name='cohort',
                ),
                migrations.RemoveField(
                    model_name='assignment',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='auditevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='auditevent',
                    name='cohort',
                ),
                migrations.RemoveField(
                    model_name='auditevent',
                    name='school',
                ),
                migrations.RemoveField(
                    model_name='auditevent',
                    name='subject',
                ),
                migrations.RemoveField(
                    model_name='cohort',
                    name='school',
                ),
                migrations.AlterField(
                    model_name='exportjob',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='export_jobs', to='schools.cohort'),
                ),
                migrations.RemoveField(
                    model_name='enrollment',
                    name='cohort',
                ),
                migrations.AlterField(
                    model_name='attestation',
                    name='cohort',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='attestations', to='schools.cohort'),
                ),
                migrations.RemoveField(
                    model_name='enrollment',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='measurecounter',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='measurecounter',
                    name='trainee',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='school',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='moduleprogress',
                    name='course',
                ),
                migrations.RemoveField(
                    model_name='moduleprogress',
                    name='trainee',
                ),
                migrations.AlterField(
                    model_name='exportjob',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='schools.school'),
                ),
                migrations.AlterField(
                    model_name='attestation',
                    name='school',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='schools.school'),
                ),
                migrations.DeleteModel(
                    name='AnswerAfterModule',
                ),
                migrations.DeleteModel(
                    name='AnswerDay',
                ),
                migrations.DeleteModel(
                    name='Assignment',
                ),
                migrations.DeleteModel(
                    name='AuditEvent',
                ),
                migrations.DeleteModel(
                    name='Cohort',
                ),
                migrations.DeleteModel(
                    name='Enrollment',
                ),
                migrations.DeleteModel(
                    name='MeasureCounter',
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='ModuleProgress',
                ),
                migrations.DeleteModel(
                    name='School',
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
