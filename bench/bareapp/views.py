"""The baseline of the submit benchmark: the same stack (middleware, DRF, token
authentication, JSON parsing) and a single INSERT, nothing else."""
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import BenchRow


class BareInsertApi(APIView):
    """Default authentication and permission (token, IsAuthenticated), one INSERT."""

    def post(self, request):
        row = BenchRow.objects.create(payload=request.data)
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


class BareAnonInsertApi(BareInsertApi):
    """The same without authentication: what the token lookup costs, for context."""

    authentication_classes = []
    permission_classes = [AllowAny]
