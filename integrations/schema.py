"""OpenAPI post-processing (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): every API error is
problem details (district.api_errors), so every operation documents its 4xx answers as
`application/problem+json`, and the integration API's GETs document 304 (ETags)."""

PROBLEM_TYPE = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status", "detail", "instance"],
}
ERRORS = {
    "400": "Bad input: the fields' messages under errors",
    "401": "No credentials, or a token unknown or revoked",
    "403": "The credentials do not reach this operation (a token's scope, a role)",
    "404": "No such object, or outside the caller's reach",
    "405": "Method not allowed",
    "406": "Not acceptable",
    "415": "Unsupported media type",
    "429": "Too many requests for this token (see Retry-After)",
}


def problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if str(code).startswith("4") and "content" in response:
                    response["content"] = {PROBLEM_TYPE: {"schema": PROBLEM_REF}}
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {PROBLEM_TYPE: {"schema": PROBLEM_REF}},
                    },
                )
            if method == "get" and path.startswith("/api/v1/"):
                responses.setdefault("304", {"description": "Not modified (If-None-Match)"})
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "If-None-Match",
                        "required": False,
                        "schema": {"type": "string"},
                    }
                )
    return result
