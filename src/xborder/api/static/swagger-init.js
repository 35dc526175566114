// The API docs page: Swagger UI from the vendored bundle, no inline script (the app's CSP forbids it).
// "Try it out" requests go with the session cookie; writes carry the session's CSRF token.
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  var csrf = box.getAttribute("data-csrf") || "";
  window.ui = window.SwaggerUIBundle({
    url: box.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    requestInterceptor: function (req) {
      var method = (req.method || "GET").toUpperCase();
      if (csrf && ["GET", "HEAD", "OPTIONS"].indexOf(method) < 0) {
        req.headers["X-CSRF-Token"] = csrf;
      }
      return req;
    },
  });
})();
