"""URLs of the payments app: each area keeps its own list, all under the "payments" namespace."""

from django.urls import include, path

from payments.autopay import urls as autopay
from payments.bank import urls as bank
from payments.batches import urls as batches
from payments.counter import urls as counter
from payments.deposits import urls as deposits
from payments.online import urls as online
from payments.refunds import urls as refunds
from payments.returns import urls as returns

app_name = "payments"
urlpatterns = [
    *counter.urlpatterns,
    *deposits.urlpatterns,
    *batches.urlpatterns,
    *returns.urlpatterns,
    *refunds.urlpatterns,
    *bank.urlpatterns,
    *autopay.urlpatterns,
    *online.urlpatterns,
    path("", include("payments.autopay.return_urls")),
]
