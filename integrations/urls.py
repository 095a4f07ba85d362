"""The integration API (/api/v1/, bearer tokens with scopes), its reference page and the
administrator's token page. Every API view declares its scope with token_api_view."""

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema

from district.access import token_api_view
from integrations import views
from integrations.api import (
    accounts,
    bills,
    common,
    notifications,
    payments,
    premises,
    reads,
    work_orders,
)
from integrations.scopes import Scope

app_name = "integrations"


def _api(view_class, scope):
    return token_api_view(scope)(view_class.as_view())


urlpatterns = [
    path("integrations/tokens/", views.tokens, name="tokens"),
    path(
        "integrations/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"
    ),
    path(
        "integrations/tokens/<int:token_id>/drawer/open/",
        views.token_drawer_open_view,
        name="token_drawer_open",
    ),
    path(
        "integrations/tokens/<int:token_id>/drawer/close/",
        views.token_drawer_close_view,
        name="token_drawer_close",
    ),
    path("api/docs/", views.api_docs, name="api_docs"),
    path(
        "api/v1/accounts/<str:account_number>",
        _api(accounts.AccountStandingView, Scope.ACCOUNTS_READ),
        name="api_account",
    ),
    path("api/v1/bills", _api(bills.BillListView, Scope.BILLS_READ), name="api_bills"),
    path(
        "api/v1/bills/<int:bill_id>",
        _api(bills.BillDetailView, Scope.BILLS_READ),
        name="api_bill",
    ),
    path(
        "api/v1/bills/<int:bill_id>/pdf",
        _api(bills.BillPdfView, Scope.BILLS_READ),
        name="api_bill_pdf",
    ),
    path(
        "api/v1/payments",
        _api(payments.PaymentPostView, Scope.PAYMENTS_WRITE),
        name="api_payments",
    ),
    path(
        "api/v1/reads/imports",
        _api(reads.ReadImportView, Scope.READS_WRITE),
        name="api_read_imports",
    ),
    path(
        "api/v1/work-orders",
        _api(work_orders.WorkOrderListView, Scope.WORK_ORDERS_WRITE),
        name="api_work_orders",
    ),
    path(
        "api/v1/work-orders/<int:work_order_id>",
        _api(work_orders.WorkOrderDetailView, Scope.WORK_ORDERS_WRITE),
        name="api_work_order",
    ),
    path(
        "api/v1/work-orders/<int:work_order_id>/status",
        _api(work_orders.WorkOrderStatusView, Scope.WORK_ORDERS_WRITE),
        name="api_work_order_status",
    ),
    path(
        "api/v1/work-orders/<int:work_order_id>/complete",
        _api(work_orders.WorkOrderCompleteView, Scope.WORK_ORDERS_WRITE),
        name="api_work_order_complete",
    ),
    path(
        "api/v1/premises",
        _api(premises.PremiseListView, Scope.PREMISES_READ),
        name="api_premises",
    ),
    path(
        "api/v1/premises/<int:premise_id>",
        _api(premises.PremiseDetailView, Scope.PREMISES_READ),
        name="api_premise",
    ),
    path("api/v1/meters", _api(premises.MeterListView, Scope.PREMISES_READ), name="api_meters"),
    path(
        "api/v1/meters/<int:meter_id>",
        _api(premises.MeterDetailView, Scope.PREMISES_READ),
        name="api_meter",
    ),
    path(
        "api/v1/processor/notifications",
        _api(notifications.ProcessorNotificationView, Scope.PROCESSOR_NOTIFY),
        name="api_processor_notifications",
    ),
    # Anything else under /api/v1/ answers 404 in problem details, not the HTML page.
    re_path(
        r"^api/v1/",
        token_api_view("any")(extend_schema(exclude=True)(common.NotFoundView).as_view()),
        name="api_not_found",
    ),
]
