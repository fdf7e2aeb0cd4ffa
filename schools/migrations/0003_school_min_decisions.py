from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("schools", "0002_assignment_retake_and_school_signatory"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="min_decisions",
            field=models.PositiveSmallIntegerField(
                default=10,
                db_default=10,
                help_text="A trainee appears in per-trainee charts, histograms and ranks only from this many decisions.",
                verbose_name="minimum decisions for per-trainee figures",
            ),
        ),
    ]
