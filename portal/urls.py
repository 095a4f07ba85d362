"""The customer portal's pages, under /portal/ (enrolment, the accounts, paying online)."""

app_name = "portal"

urlpatterns = []
