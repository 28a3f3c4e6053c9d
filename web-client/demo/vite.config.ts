import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The demo app (demo/): its own Vite build, outside the library's published dist/. Maven builds it
 * into the server's target/classes/META-INF/resources, which Quarkus serves at `/`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../../target/classes/META-INF/resources', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev:demo` against `./mvnw quarkus:dev`: the GraphQL endpoint (HTTP and WebSocket) is the server's.
    proxy: { '/graphql': { target: 'http://localhost:8080', ws: true }, '/auth': 'http://localhost:8080' },
  },
});
