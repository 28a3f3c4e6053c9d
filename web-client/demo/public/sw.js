/*
 * Offline shell of the demo: the page and its assets come from the network when it answers and
 * from a cache otherwise, so a reload without network still opens the app on its IndexedDB
 * replica (pending changes included). GraphQL, its socket and /q/ are never cached.
 */
const CACHE = 'tidemark-demo-shell';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch('/', { cache: 'no-store' });
    const html = await page.clone().text();
    await cache.put('/', page);
    // The bundle's file names are hashed: take them from the page itself. Links to the server's own
    // endpoints are no part of the shell (GraphiQL, linked in the footer, is off in production: a
    // 404 there would fail the whole install).
    const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1])
      .filter((path) => !path.startsWith('/q/') && !path.startsWith('/graphql'));
    await cache.addAll(assets);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/graphql') || url.pathname.startsWith('/q/')) return;
  const key = request.mode === 'navigate' ? '/' : request;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(key, response.clone());
      return response;
    } catch (error) {
      // A server or proxy that adds `Vary: Origin` (CORS middleware, Vite's preview) would make the
      // page's module requests, which carry an Origin, miss what the install cached without one.
      const cached = await cache.match(key, { ignoreVary: true });
      if (cached) return cached;
      throw error;
    }
  })());
});
