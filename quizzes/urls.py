from django.urls import path

from . import apis, review_apis

urlpatterns = [
    path("me/courses/", apis.MyCoursesApi.as_view(), name="my-courses"),
    path("me/reliance/", apis.MyRelianceApi.as_view(), name="my-reliance"),
    path("modules/<int:module_id>/", apis.ModuleDetailApi.as_view(), name="module-detail"),
    path("modules/<int:module_id>/attempts/", apis.AttemptStartApi.as_view(), name="attempt-start"),
    path("cases/<int:case_id>/", apis.CaseDetailApi.as_view(), name="case-detail"),
    path("attempts/<int:attempt_id>/", apis.AttemptDetailApi.as_view(), name="attempt-detail"),
    path("attempts/<int:attempt_id>/submit/", apis.AttemptSubmitApi.as_view(), name="attempt-submit"),
    path("attempts/<int:attempt_id>/items/<int:item_id>/unaided/", apis.UnaidedAnswerApi.as_view(), name="answer-unaided"),
    path("attempts/<int:attempt_id>/items/<int:item_id>/ai-output/", apis.AiOutputApi.as_view(), name="ai-output"),
    path("attempts/<int:attempt_id>/items/<int:item_id>/response/", apis.ResponseSubmitApi.as_view(), name="response-submit"),
    path("responses/<int:response_id>/", apis.ResponseDetailApi.as_view(), name="response-detail"),
    path("review/queue/", review_apis.ReviewQueueApi.as_view(), name="review-queue"),
    path("review/responses/<int:response_id>/", review_apis.ReviewConfirmApi.as_view(), name="review-confirm"),
]
