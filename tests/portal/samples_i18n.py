"""The language switch (Django's set_language) answers POST only (merged by the access matrix)."""

POST_ONLY = {"set_language"}
