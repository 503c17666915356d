from django.urls import path

from backoffice.views import billing as views

app_name = "billing"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("payments/", views.payment_record, name="payment-record"),
    path("payments/fields/", views.payment_fields, name="payment-fields"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment-reverse"),
    path("statements/issue/", views.statement_issue, name="statement-issue"),
    path("statements/<int:pk>.pdf", views.statement_download, name="statement-download"),
    path("statements/batches/", views.batch_start, name="batch-start"),
    path("statements/batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("month-table/", views.month_table_page, name="month-table"),
    path("month-table.csv", views.month_table_csv, name="month-table-csv"),
    path("exports/", views.export_page, name="export-page"),
    path("exports/<slug:kind>.csv", views.export_csv, name="export-csv"),
]
