// Swagger UI for the merged document, loaded from a file (the Content-Security-Policy allows no
// inline script). Tokens come from POST /v1/auth/token (OAuth2 client credentials): "Authorize".
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
});
