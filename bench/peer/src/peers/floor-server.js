/**
 * The floor: the least a GraphQL subscription server on LISTEN/NOTIFY can do. A graphql-ws server
 * (graphql-transport-ws) whose `listen(topic)` subscription LISTENs to the same channels as
 * PostGraphile's and hands each NOTIFY's payload (which carries the row) to the channel's
 * subscribers: no database read, no filter, graphql-js executing the selection set per subscriber.
 * Run by the harness as a child process (PEER_DATABASE_URL, PEER_PORT).
 */
import http from 'node:http';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLBoolean, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { answerMemoryQuestions } from './memory-ipc.js';

const PREFIX = 'postgraphile:'; // @graphile/pg-pubsub's channel prefix: the same trigger feeds both

const listener = new pg.Client({ connectionString: process.env.PEER_DATABASE_URL });
await listener.connect();
/** channel -> the push functions of its subscribers */
const channels = new Map();
listener.on('notification', ({ channel, payload }) => {
  const subscribers = channels.get(channel);
  if (!subscribers) return;
  const event = JSON.parse(payload); // once per NOTIFY, not per subscriber
  for (const push of subscribers) push(event);
});

function attach(channel, push) {
  let subscribers = channels.get(channel);
  if (!subscribers) {
    channels.set(channel, (subscribers = new Set()));
    listener.query(`LISTEN ${listener.escapeIdentifier(channel)}`).catch((e) => console.error('LISTEN failed:', e.message));
  }
  subscribers.add(push);
}

function detach(channel, push) {
  const subscribers = channels.get(channel);
  if (!subscribers?.delete(push) || subscribers.size > 0) return;
  channels.delete(channel);
  listener.query(`UNLISTEN ${listener.escapeIdentifier(channel)}`).catch((e) => console.error('UNLISTEN failed:', e.message));
}

/** The events of one channel as the async iterator graphql-js subscribes to. */
function events(channel) {
  const queue = [];
  let waiting = null;
  let ended = false;
  const push = (event) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: event, done: false });
    } else queue.push(event);
  };
  attach(channel, push);
  const end = () => {
    ended = true;
    detach(channel, push);
    waiting?.({ value: undefined, done: true });
    waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => (queue.length > 0 ? Promise.resolve({ value: queue.shift(), done: false })
      : ended ? Promise.resolve({ value: undefined, done: true })
        : new Promise((resolve) => { waiting = resolve; })),
    return: end,
    throw: (error) => end().then(() => Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const column = (name) => ({ type: GraphQLString, resolve: (row) => row[name] ?? null });
const Row = new GraphQLObjectType({
  name: 'Row',
  fields: {
    uid: column('uid'),
    name: column('name'),
    email: column('email'),
    createdAt: column('created_at'),
    updatedAt: column('updated_at'),
    deletedAt: column('deleted_at'),
    version: { type: GraphQLString, resolve: (row) => String(row.version) },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean, resolve: () => true } } }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      listen: {
        type: new GraphQLNonNull(new GraphQLObjectType({ name: 'ListenPayload', fields: { row: { type: Row } } })),
        args: { topic: { type: new GraphQLNonNull(GraphQLString) } },
        subscribe: (_source, { topic }) => events(PREFIX + topic),
        resolve: (event) => event,
      },
    },
  }),
});

const server = http.createServer((_request, response) => response.writeHead(404).end());
useServer({ schema }, new WebSocketServer({ server, path: '/graphql' }));
answerMemoryQuestions();
server.listen(Number(process.env.PEER_PORT), '127.0.0.1', () => process.send({ type: 'listening' }));
