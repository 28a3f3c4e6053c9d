/**
 * The background check of the server's schema: new limits apply at once; a new version is stored
 * for the next opening (which migrates the replica) and told to the app (`onSchemaChange`).
 */
import type { Replica } from '../replica/replica.js';
import type { GraphQLHttp } from '../transport/graphql-http.js';
import { fetchSchema, fetchVersion, storeNextSchema } from './schema-source.js';

export class SchemaWatch {
  private newer: string | null = null;
  private readonly listeners = new Set<(serverVersion: string) => void>();

  constructor(private readonly replica: Replica, private readonly http: GraphQLHttp, private readonly dbName: string, private readonly closed: () => boolean) {}

  /** Called at once if a newer schema is already known. */
  onChange(listener: (serverVersion: string) => void): () => void {
    this.listeners.add(listener);
    if (this.newer !== null) listener(this.newer);
    return () => this.listeners.delete(listener);
  }

  /** Reads the server's schema version and limits; true when the limits changed. */
  async check(): Promise<boolean> {
    const server = await fetchVersion(this.http).catch(() => undefined);
    if (!server || this.closed()) return false;
    const before = JSON.stringify(this.replica.schema.limits);
    if (server.limits) this.replica.schema.limits = server.limits;
    if (server.version !== this.replica.schema.schema.version && this.newer !== server.version) {
      const schema = await fetchSchema(this.http).catch(() => undefined);
      if (schema && !this.closed()) {
        await storeNextSchema(this.dbName, schema).catch(() => undefined);
        this.newer = schema.version;
        for (const listener of [...this.listeners]) listener(schema.version);
      }
    }
    return JSON.stringify(this.replica.schema.limits) !== before;
  }
}
