from django.urls import path

from . import apis

urlpatterns = [
    path("authoring/courses/", apis.CourseListApi.as_view(), name="authoring-courses"),
    path("authoring/courses/<slug:slug>/", apis.CourseDetailApi.as_view(), name="authoring-course"),
    path("authoring/courses/<slug:slug>/drafts/", apis.CourseDraftApi.as_view(), name="authoring-draft"),
    path("authoring/courses/<slug:slug>/publish/", apis.CoursePublishApi.as_view(), name="authoring-publish"),
    path("authoring/courses/<slug:slug>/versions/<int:number>/withdraw/", apis.CourseWithdrawApi.as_view(),
         name="authoring-withdraw"),
    path("authoring/courses/<slug:slug>/package/", apis.PackageExportApi.as_view(), name="authoring-export"),
    path("authoring/packages/", apis.PackageImportApi.as_view(), name="authoring-import"),
    path("authoring/imports/<int:job_id>/", apis.ImportJobApi.as_view(), name="authoring-import-job"),
]
