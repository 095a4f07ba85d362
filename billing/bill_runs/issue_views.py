"""Staff page of the daily print data files of bills posted outside runs (final and corrected
bills): the list, and a file's download (?file=<id>). Thin."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from billing.models import PrintFile
from district.access import staff_view
from district.roles import Perm

RECENT_FILES = 60


@staff_view(Perm.RUN_BILLING)
def print_files(request):
    file_id = request.GET.get("file")
    if file_id:
        print_file = PrintFile.objects.filter(pk=file_id if file_id.isdigit() else None).first()
        if print_file is None or not print_file.file:
            raise Http404("No such print file.")
        return FileResponse(
            print_file.file.open("rb"),
            as_attachment=True,
            filename=f"final-bills-{print_file.issued_on:%Y-%m-%d}-{print_file.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )
    files = list(PrintFile.objects.order_by("-created_at", "-id")[:RECENT_FILES])
    return render(request, "billing/issue/print_files.html", {"files": files})
