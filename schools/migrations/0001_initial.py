"""Schools, memberships, cohorts, enrolments, assignments and the audit log, moved from cohorts."""
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
                    name='School',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('slug', models.SlugField(max_length=100, unique=True, verbose_name='slug')),
                    ],
                    options={
                        'verbose_name': 'school',
                        'verbose_name_plural': 'schools',
                        'db_table': 'cohorts_school',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Cohort',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('slug', models.SlugField(max_length=100, verbose_name='slug')),
                        ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='academic year')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cohorts', to='schools.school')),
                    ],
                    options={
                        'db_table': 'cohorts_cohort',
                        'ordering': ['school', '-year', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=64)),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('subject', models.ForeignKey(blank=True, help_text='The trainee whose data was read or changed, when there is one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('cohort', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='schools.cohort')),
                        ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='schools.school')),
                    ],
                    options={
                        'db_table': 'cohorts_auditevent',
                        'ordering': ['-at'],
                    },
                ),
                migrations.CreateModel(
                    name='Assignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('due_at', models.DateTimeField(blank=True, null=True, verbose_name='due')),
                        ('assigned_at', models.DateTimeField(auto_now_add=True)),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='courses.course')),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='schools.cohort')),
                    ],
                    options={
                        'db_table': 'cohorts_assignment',
                        'constraints': [models.UniqueConstraint(fields=('cohort', 'course'), name='assignment_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Enrollment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('trainee', 'Trainee'), ('faculty', 'Faculty')], default='trainee', max_length=12, verbose_name='role')),
                        ('enrolled_at', models.DateTimeField(auto_now_add=True)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to='schools.cohort')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrollments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'cohorts_enrollment',
                        'constraints': [models.UniqueConstraint(fields=('cohort', 'user'), name='enrollment_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('trainee', 'Trainee'), ('faculty', 'Faculty'), ('reviewer', 'Reviewer'), ('admin', 'School admin')], max_length=12, verbose_name='role')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='schools.school')),
                    ],
                    options={
                        'db_table': 'cohorts_membership',
                        'constraints': [models.UniqueConstraint(fields=('school', 'user', 'role'), name='membership_unique')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.UniqueConstraint(fields=('school', 'slug'), name='cohort_slug_unique'),
                ),
                migrations.AddIndex(
                    model_name='auditevent',
                    index=models.Index(fields=['school', 'at'], name='audit_event_school_at'),
                ),
            ],
            database_operations=[],
        ),
    ]
