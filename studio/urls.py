"""Pages of the faculty authoring studio, mounted at /studio/ (training/urls.py).

The manual grading queue (studio.views.grading) lives here too: it is a faculty page of
the same studio, behind the same access rule.
"""
from django.urls import path

from studio.views import grading as review_views

from .views import content, imports, preview, question_export, regrade, studio, truth_fix

app_name = "studio"

urlpatterns = [
    path("", studio.home, name="home"),
    path("courses/new/", studio.course_create, name="course-create"),
    path("import/", studio.package_import, name="import"),
    path("imports/<int:pk>/", imports.import_job, name="import-job"),
    path("imports/<int:pk>/status/", imports.import_job_status, name="import-job-status"),
    path("markdown/", studio.markdown_preview, name="markdown"),
    path("c/<slug:slug>/", studio.course_detail, name="course"),
    path("c/<slug:slug>/settings/", studio.course_settings, name="course-settings"),
    path("c/<slug:slug>/draft/", studio.draft_create, name="draft-create"),
    path("c/<slug:slug>/check/", studio.publish_check, name="check"),
    path("c/<slug:slug>/publish/", studio.publish, name="publish"),
    path("c/<slug:slug>/versions/<int:number>/withdraw/", studio.withdraw, name="withdraw"),
    path("c/<slug:slug>/versions/<int:number>/analysis/", studio.analysis, name="analysis"),
    path("c/<slug:slug>/diff/", studio.diff, name="diff"),
    path("c/<slug:slug>/export/", studio.export, name="export"),
    path("c/<slug:slug>/coauthors/", studio.coauthors, name="coauthors"),
    path("c/<slug:slug>/questions/", studio.questions_import, name="questions-import"),
    path("c/<slug:slug>/questions/export/", question_export.questions_export, name="questions-export"),
    path("c/<slug:slug>/modules/new/", content.module_create, name="module-create"),
    path("modules/<int:pk>/", content.module_detail, name="module"),
    path("modules/<int:module_pk>/lessons/new/", content.lesson_create, name="lesson-create"),
    path("modules/<int:module_pk>/cases/new/", content.case_create, name="case-create"),
    path("lessons/<int:pk>/", content.lesson_detail, name="lesson"),
    path("cases/<int:pk>/", content.case_detail, name="case"),
    path("cases/<int:pk>/preview/", preview.case_preview, name="preview"),
    path("cases/<int:case_pk>/artifacts/new/", content.artifact_create, name="artifact-create"),
    path("cases/<int:case_pk>/items/new/", content.item_create, name="item-create"),
    path("artifacts/<int:pk>/", content.artifact_detail, name="artifact"),
    path("items/<int:pk>/", content.item_detail, name="item"),
    path("items/<int:pk>/key-fix/", regrade.key_fix, name="key-fix"),
    path("items/<int:pk>/regrade/", regrade.regrade_new, name="regrade-new"),
    path("key-fixes/<int:pk>/", regrade.key_fix_jobs, name="key-fix-jobs"),
    path("artifacts/<int:pk>/truth-fix/", truth_fix.truth_fix, name="truth-fix"),
    path("truth-fixes/<int:pk>/", truth_fix.truth_fix_jobs, name="truth-fix-jobs"),
    path("<str:kind>/<int:pk>/move/", content.move, name="move"),
    path("<str:kind>/<int:pk>/delete/", content.delete, name="delete"),
    path("regrade/<int:pk>/", regrade.job_detail, name="regrade-job"),
    path("regrade/<int:pk>/status/", regrade.job_status, name="regrade-status"),
    path("regrade/<int:pk>/start/", regrade.job_start, name="regrade-start"),
    path("regrade/<int:pk>/cancel/", regrade.job_cancel, name="regrade-cancel"),
    path("regrade/<int:pk>/resume/", regrade.job_resume, name="regrade-resume"),
    path("grading/", review_views.queue_list, name="grading"),
    path("grading/items/<int:item_id>/", review_views.queue_item, name="grading-item"),
    path("grading/responses/<int:response_id>/", review_views.response_mark, name="grading-response"),
]
