"""The language switch (English / Español), for visitors and customers alike."""

from django.urls import path

from portal.languages import set_language

urlpatterns = [path("", set_language, name="set_language")]
