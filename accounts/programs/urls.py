"""URLs of assistance programs, included in accounts/urls.py (names in the accounts namespace)."""

from django.urls import path

from accounts.programs import views

urlpatterns = [
    path("programs/", views.programs, name="programs"),
    path("programs/new/", views.program_new, name="program_new"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path("programs/outreach/", views.program_outreach, name="program_outreach"),
    path(
        "programs/outreach/labels.csv",
        views.program_outreach_labels,
        name="program_outreach_labels",
    ),
    path("account/<int:account_id>/programs/", views.account_programs, name="account_programs"),
    path(
        "account/<int:account_id>/programs/enrol/",
        views.account_program_enrol,
        name="account_program_enrol",
    ),
    path("programs/enrolments/<int:enrolment_id>/end/", views.enrolment_end, name="enrolment_end"),
    path(
        "programs/enrolments/<int:enrolment_id>/renew/",
        views.enrolment_renew,
        name="enrolment_renew",
    ),
    path(
        "programs/enrolments/<int:enrolment_id>/evidence/",
        views.enrolment_evidence,
        name="enrolment_evidence",
    ),
]
