/**
 * A counting proxy in front of s3rver: every request is forwarded unchanged and counted by S3
 * operation, with the bytes of the request bodies. The proxy adds one local hop for every tool
 * alike, so ratios between tools stay fair.
 */
import http from 'node:http';

/** The S3 operation of a path-style request (bucket in the first path segment). */
function operationOf(method, url, headers = {}) {
  const { pathname, searchParams } = new URL(url, 'http://proxy');
  const hasKey = pathname.split('/').filter(Boolean).length > 1;
  const q = (name) => searchParams.has(name);
  if (method === 'GET' && !hasKey) return q('list-type') ? 'ListObjectsV2' : 'ListObjects';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return hasKey ? 'HeadObject' : 'HeadBucket';
  if (method === 'POST' && q('delete')) return 'DeleteObjects';
  if (method === 'POST' && q('uploads')) return 'CreateMultipartUpload';
  if (method === 'POST' && q('uploadId')) return 'CompleteMultipartUpload';
  if (method === 'PUT' && q('partNumber')) return 'UploadPart';
  if (method === 'PUT' && hasKey && headers['x-amz-copy-source']) return 'CopyObject';
  if (method === 'PUT') return hasKey ? 'PutObject' : 'CreateBucket';
  if (method === 'DELETE' && q('uploadId')) return 'AbortMultipartUpload';
  if (method === 'DELETE') return 'DeleteObject';
  return `${method} other`;
}

function startCountingProxy(targetPort) {
  // firstAt: when the first request arrived (hrtime), for the tools' time to first request.
  const counts = { requests: {}, errors: {}, bytesSent: 0, firstAt: undefined };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const op = operationOf(req.method, req.url, req.headers);
    counts.firstAt ??= process.hrtime.bigint();
    counts.requests[op] = (counts.requests[op] ?? 0) + 1;
    req.on('data', (chunk) => (counts.bytesSent += chunk.length));
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        const status = answer.statusCode ?? 502;
        // Retried requests are counted twice in `requests`; the failed answers show up here.
        if (status >= 300) counts.errors[`${op} ${status}`] = (counts.errors[`${op} ${status}`] ?? 0) + 1;
        res.writeHead(status, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        endpoint: `http://127.0.0.1:${server.address().port}`,
        counts,
        reset() {
          counts.requests = {};
          counts.errors = {};
          counts.bytesSent = 0;
          counts.firstAt = undefined;
        },
        stop: () =>
          new Promise((done) => {
            server.close(() => done(agent.destroy()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

export { startCountingProxy, operationOf };
