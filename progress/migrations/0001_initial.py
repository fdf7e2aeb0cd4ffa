"""Module progress, measure counters and trend rows (the grading read-model), moved from cohorts."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models



class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0008_exports_in_private_storage'),
        ('courses', '0003_item_artifact_restrict'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are (db_table keeps the cohorts_ names): only
            # Django's picture of which app owns them changes, so no row moves.
            state_operations=[
                migrations.CreateModel(
                    name='AnswerAfterModule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('items_n', models.FloatField(db_default=0.0)),
                        ('items_score', models.FloatField(db_default=0.0)),
                        ('rel_r_n', models.FloatField(db_default=0.0)),
                        ('rel_r_accepted', models.FloatField(db_default=0.0)),
                        ('rel_r_correct', models.FloatField(db_default=0.0)),
                        ('rel_w_n', models.FloatField(db_default=0.0)),
                        ('rel_w_accepted', models.FloatField(db_default=0.0)),
                        ('rel_w_correct', models.FloatField(db_default=0.0)),
                        ('conf_n', models.FloatField(db_default=0.0)),
                        ('conf_brier', models.FloatField(db_default=0.0)),
                        ('rair_num', models.FloatField(db_default=0.0)),
                        ('rair_den', models.FloatField(db_default=0.0)),
                        ('rsr_num', models.FloatField(db_default=0.0)),
                        ('rsr_den', models.FloatField(db_default=0.0)),
                        ('sw_right_right', models.FloatField(db_default=0.0)),
                        ('sw_right_wrong', models.FloatField(db_default=0.0)),
                        ('sw_wrong_right', models.FloatField(db_default=0.0)),
                        ('sw_wrong_wrong', models.FloatField(db_default=0.0)),
                        ('module_slug', models.SlugField(max_length=100)),
                        ('course', models.ForeignKey(help_text='The course of the decisions.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course')),
                        ('module_course', models.ForeignKey(help_text='The course of the module completed before.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course')),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cohorts_answeraftermodule',
                        'constraints': [models.UniqueConstraint(fields=('trainee', 'module_course', 'module_slug', 'course'), name='answer_after_module_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='AnswerDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('items_n', models.FloatField(db_default=0.0)),
                        ('items_score', models.FloatField(db_default=0.0)),
                        ('rel_r_n', models.FloatField(db_default=0.0)),
                        ('rel_r_accepted', models.FloatField(db_default=0.0)),
                        ('rel_r_correct', models.FloatField(db_default=0.0)),
                        ('rel_w_n', models.FloatField(db_default=0.0)),
                        ('rel_w_accepted', models.FloatField(db_default=0.0)),
                        ('rel_w_correct', models.FloatField(db_default=0.0)),
                        ('conf_n', models.FloatField(db_default=0.0)),
                        ('conf_brier', models.FloatField(db_default=0.0)),
                        ('rair_num', models.FloatField(db_default=0.0)),
                        ('rair_den', models.FloatField(db_default=0.0)),
                        ('rsr_num', models.FloatField(db_default=0.0)),
                        ('rsr_den', models.FloatField(db_default=0.0)),
                        ('sw_right_right', models.FloatField(db_default=0.0)),
                        ('sw_right_wrong', models.FloatField(db_default=0.0)),
                        ('sw_wrong_right', models.FloatField(db_default=0.0)),
                        ('sw_wrong_wrong', models.FloatField(db_default=0.0)),
                        ('module_slug', models.SlugField(max_length=100)),
                        ('day', models.DateField()),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course')),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cohorts_answerday',
                        'constraints': [models.UniqueConstraint(fields=('trainee', 'course', 'module_slug', 'day'), name='answer_day_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='MeasureCounter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=64)),
                        ('value', models.FloatField(default=0.0)),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course')),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='measure_counters', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cohorts_measurecounter',
                        'constraints': [models.UniqueConstraint(fields=('trainee', 'course', 'name'), name='measure_counter_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='ModuleProgress',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('module_slug', models.SlugField(max_length=100)),
                        ('items_total', models.PositiveIntegerField(default=0)),
                        ('items_graded', models.PositiveIntegerField(default=0)),
                        ('score_sum', models.FloatField(default=0.0)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('last_activity_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='courses.course')),
                        ('trainee', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='module_progress', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cohorts_moduleprogress',
                        'constraints': [models.UniqueConstraint(fields=('trainee', 'course', 'module_slug'), name='module_progress_unique'), models.CheckConstraint(condition=models.Q(('score_sum__gte', -1e-09)), name='module_progress_score_nonnegative')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
