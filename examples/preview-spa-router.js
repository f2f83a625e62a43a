// CloudFront Function (runtime: cloudfront-js-2.0, event type: viewer request) that gives each
// pull-request preview under /pr-<number>/ its own SPA fallback.
//
// Why: the usual SPA fallback is a distribution-wide custom error response (403 -> /index.html,
// 200). For a preview that is wrong: a deep route such as /pr-42/collections/tents would get the
// *production* /index.html. This function rewrites such routes to the preview's own index document
// before CloudFront asks the origin, so the cache key and the answer are the preview's.
//
// Rules, for a request URI under a preview prefix (/pr-42/...):
//   /pr-42                   -> 301 to /pr-42/ (so relative asset URLs resolve inside the preview)
//   /pr-42/                  -> /pr-42/index.html
//   /pr-42/collections/tents -> /pr-42/index.html   (last segment has no '.': a client-side route)
//   /pr-42/assets/app.3f2.js -> unchanged            (a file: served, or 403 if it does not exist)
// Outside the previews, deep routes get /index.html too when ROOT_FALLBACK is true; otherwise the
// request is left to the distribution's custom error response.
//
// Build each preview with its base path (Vite `--base /pr-42/`, CRA `PUBLIC_URL=/pr-42`, Angular
// `--base-href /pr-42/`), or its asset URLs will point at production.
// Limitation: a client-side route whose last segment contains a dot (/pr-42/users/jane.doe) is
// taken for a file; rename the route, or list such routes in ROUTES_WITH_DOTS.
//
// Attach: CloudFront console -> Functions -> Create (runtime cloudfront-js-2.0) -> paste -> Publish;
// then the distribution's default behaviour -> Function associations -> Viewer request.

const PREVIEW_PREFIX = /^\/(pr-\d+)(\/.*)?$/;
const INDEX_DOCUMENT = 'index.html';
const ROOT_FALLBACK = true;
const ROUTES_WITH_DOTS = [];

function isClientRoute(path) {
  if (ROUTES_WITH_DOTS.indexOf(path) !== -1) return true;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last === '' || last.indexOf('.') === -1;
}

function queryString(querystring) {
  const parts = [];
  for (const name in querystring) {
    const entry = querystring[name];
    const values = entry.multiValue ? entry.multiValue : [entry];
    for (let i = 0; i < values.length; i++) {
      const value = values[i].value;
      parts.push(value === '' ? name : `${name}=${value}`);
    }
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function handler(event) {
  const request = event.request;
  const match = PREVIEW_PREFIX.exec(request.uri);

  if (match) {
    const base = `/${match[1]}/`;
    const rest = match[2] || '';
    if (rest === '') {
      return {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: { location: { value: base + queryString(request.querystring) } },
      };
    }
    if (isClientRoute(rest)) request.uri = base + INDEX_DOCUMENT;
    return request;
  }

  if (ROOT_FALLBACK && isClientRoute(request.uri)) request.uri = `/${INDEX_DOCUMENT}`;
  return request;
}
