"use strict";
// Swagger UI for the API: its settings come as JSON data from the page (no inline script).
(function () {
  const config = JSON.parse(document.getElementById("swagger-config").textContent);
  const csrfToken = () => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : config.csrfToken;
  };
  window.ui = SwaggerUIBundle({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: false,
    requestInterceptor: (request) => {
      // The browser's session writes with Django's CSRF token, as the pages' forms do.
      if (!["GET", "HEAD", "OPTIONS", undefined].includes(request.method)) {
        request.headers[config.csrfHeaderName] = csrfToken();
      }
      return request;
    },
  });
})();
