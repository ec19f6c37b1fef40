// The contract this server runs, browsable. "Authorize" takes a bearer token (in DEV_MODE, from
// POST /dev/tokens) for "Try it out".
window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false
});
