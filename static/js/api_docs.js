// The API reference page: Swagger UI (static/vendor/swagger-ui) on the district's own schema.
// A file of its own, not an inline script, so the Content-Security-Policy stays strict.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("api-reference");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.dataset.schemaUrl,
    domNode: target,
    deepLinking: true,
    // No "try it out" from a person's browser: the API takes integration tokens.
    supportedSubmitMethods: [],
    validatorUrl: null,
  });
});
