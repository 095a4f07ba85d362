"""POST /api/v1/reads/imports: a read file from an AMI head-end or a handheld, in the format
the office loads (docs/read-import.md), loaded all or nothing by the same service.

A bad row refuses the whole file: 400 with every bad row listed under errors.file. The same
file sent twice is refused with the date it was first loaded (a retry posts nothing twice).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from billing.reads.imports import ReadImportRejected, reads_import
from district.api_errors import validation_problem
from district.errors import ServiceError
from integrations.api.common import IntegrationView, ProblemSerializer
from integrations.scopes import Scope

MAX_FILE_BYTES = 20 * 1024 * 1024


class ReadFileSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV: meter_serial, read_date (YYYY-MM-DD), reading, source (ami|handheld)"
    )


class ReadImportOutSerializer(serializers.Serializer):
    import_id = serializers.IntegerField(source="pk")
    file_name = serializers.CharField()
    row_count = serializers.IntegerField()
    read_ids = serializers.ListField(child=serializers.IntegerField())


class ReadImportView(IntegrationView):
    required_scope = Scope.READS_WRITE
    pagination_class = None
    filter_backends = []
    parser_classes = [MultiPartParser]
    serializer_class = ReadFileSerializer

    @extend_schema(
        operation_id="reads_import",
        request={"multipart/form-data": ReadFileSerializer},
        responses={201: ReadImportOutSerializer, 400: ProblemSerializer},
        description="Load a read file, all or nothing. Scope: reads:write.",
    )
    def post(self, request):
        serializer = ReadFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_FILE_BYTES:
            return validation_problem(request, {"file": ["A read file is at most 20 MB."]})
        try:
            read_import = reads_import(
                file_name=upload.name, content=upload.read(), by=request.user
            )
        except ReadImportRejected as rejected:
            return validation_problem(request, {"file": [str(row) for row in rejected.row_errors]})
        except ServiceError as error:
            return validation_problem(request, {"file": list(error.messages)})
        return Response(ReadImportOutSerializer(read_import).data, status=status.HTTP_201_CREATED)
