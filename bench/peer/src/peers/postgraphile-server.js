/**
 * PostGraphile 4 as its documentation sets it up for production as a library (options of "Usage -
 * Library"), with @graphile/pg-pubsub's simple subscriptions: a `listen(topic)` field fed by
 * LISTEN/NOTIFY, whose `relatedNode` PostGraphile reads from the database for each subscriber.
 * Run by the harness as a child process (PEER_DATABASE_URL, PEER_PORT).
 */
import http from 'node:http';
import postgraphilePackage from 'postgraphile';
import PgPubsub from '@graphile/pg-pubsub';
import { answerMemoryQuestions } from './memory-ipc.js';

const { postgraphile, makePluginHook, enhanceHttpServerWithSubscriptions } = postgraphilePackage;

const middleware = postgraphile(process.env.PEER_DATABASE_URL, 'public', {
  pluginHook: makePluginHook([PgPubsub.default]),
  subscriptions: true,
  simpleSubscriptions: true,
  websockets: ['v1'], // graphql-transport-ws, the protocol Tidemark and the floor speak
  retryOnInitFail: false,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  extendedErrors: ['errcode'],
  graphiql: false,
  enableQueryBatching: true,
  disableQueryLog: true,
  legacyRelations: 'omit',
});

const server = http.createServer(middleware);
await enhanceHttpServerWithSubscriptions(server, middleware);
answerMemoryQuestions();
server.listen(Number(process.env.PEER_PORT), '127.0.0.1', () => process.send({ type: 'listening' }));
