// Offline support for the demo page: every GET for one of the site's own files goes to the
// network first (so a new build shows at once) and a copy is kept; when the network is gone, the
// copy answers. Requests to other origins are left alone (the page's CSP forbids them anyway).
const CACHE = 'cofi-page-v1';

// The files the page needs before it can show anything, cached at install so that a visit that
// was cut short still leaves a working offline copy.
const SHELL = ['./', './index.html', './app.js', './style.css', './sample-data.js', './lib/files.js', './lib/charts.js',
  './dist/worker-client.js', './dist/worker.js', './dist/index.js', './dist/errors.js', './dist/cofi-core.mjs',
  './dist/cofi-core.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok) {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
      }
      return response;
    } catch (error) {
      const cached = await caches.match(request, { ignoreSearch: true });
      if (cached) return cached;
      throw error;
    }
  })());
});
