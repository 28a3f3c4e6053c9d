import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const server = process.env.TIDEMARK_URL ?? 'http://localhost:8080';

/**
 * The demo app (demo/): its own Vite build, outside the library's published dist/. Maven builds it
 * into the server's target/classes/META-INF/resources, which Quarkus serves at `/`. It imports the
 * library by its package name, as an app does; here that name is the library's sources.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: {
      '@tidemark/web-client/react': fileURLToPath(new URL('../src/react/index.ts', import.meta.url)),
      '@tidemark/web-client': fileURLToPath(new URL('../src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../../target/classes/META-INF/resources', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev:demo` against `./mvnw quarkus:dev` (or the server TIDEMARK_URL names): the GraphQL endpoint (HTTP and WebSocket) is the server's.
    proxy: { '/graphql': { target: server, ws: true }, '/auth': server },
  },
});
