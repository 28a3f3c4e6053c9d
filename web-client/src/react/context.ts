/** The client the hooks of a React tree use: given once by `<TidemarkProvider client={client}>`. */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { TidemarkClient } from '../client.js';

/**
 * A client of any schema: a schema parameter is used both ways (in and out), so no one type covers
 * them all; the hooks of `createTidemarkHooks<Schema>()` give the client its type back.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClient = TidemarkClient<any>;

const TidemarkContext = createContext<AnyClient | null>(null);

export interface TidemarkProviderProps {
  client: AnyClient;
  children?: ReactNode;
}

/** Makes `client` the one the hooks below it use (open it first: `await TidemarkClient.open(...)`). */
export function TidemarkProvider({ client, children }: TidemarkProviderProps): ReactNode {
  return createElement(TidemarkContext.Provider, { value: client }, children);
}

/** The provider's client; throws when the component is not inside a `<TidemarkProvider>`. */
export function useClient<S>(): TidemarkClient<S> {
  const client = useContext(TidemarkContext);
  if (!client) throw new Error('No Tidemark client here: render this component inside <TidemarkProvider client={client}>');
  return client as TidemarkClient<S>;
}
