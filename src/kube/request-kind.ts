// What a Kubernetes API request is, as client-go's rest_client metrics and the API server's own name it: the verb
// (get, list, watch, create, update, patch, delete, deletecollection) and the resource (with its subresource, e.g.
// helmreleases/status), read off the method and URL. For the request metric; names and namespaces are dropped;
// a path outside /api and /apis (/version, /openapi) is "discovery".
export function requestKind(method: string, url: string): { verb: string; resource: string } {
  let path: string;
  let query: URLSearchParams;
  try {
    const u = new URL(url, 'http://x');
    path = u.pathname;
    query = u.searchParams;
  } catch {
    return { verb: method.toLowerCase(), resource: 'unknown' };
  }
  const parts = path.split('/').filter(Boolean);
  // /api/v1/... or /apis/group/version/...; then [namespaces/NS/] resource [/name [/subresource]]
  let rest = parts[0] === 'api' ? parts.slice(2) : parts[0] === 'apis' ? parts.slice(3) : [];
  if (rest.length === 0) return { verb: method.toLowerCase(), resource: parts.length > 0 ? 'discovery' : 'unknown' };
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const [resource = 'unknown', name, sub] = rest;
  const collection = name === undefined;
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: collection ? 'deletecollection' : 'delete' };
  const get = query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : collection ? 'list' : 'get';
  const verb = method.toUpperCase() === 'GET' ? get : (verbs[method.toUpperCase()] ?? method.toLowerCase());
  return { verb, resource: sub ? `${resource}/${sub}` : resource };
}
