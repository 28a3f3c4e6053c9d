// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"fetch": {"disableSameOriginPolicy": true}}}
/**
 * The React bindings against the real server: the seed scenario (a group deleted offline on one
 * device; its memberships disappear on the other) with the README's component, a scope held by a
 * component, and a rejected change retried, as components of two clients (two devices: two
 * replicas) render them. happy-dom's fetch would apply a
 * browser's same-origin policy to the test's requests (its page is not the server's): turned off.
 */
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Schema } from '../../demo/src/tidemark-types.js';
import type { TidemarkClient } from '../../src/index.js';
import { createTidemarkHooks, TidemarkProvider } from '../../src/react/index.js';
import { Seed } from '../readme/seed-app.js';
import { dbName, gql, prefix, serverGroup, serverMembership, serverUser, settled, testClients, until, type TestClient } from './support.js';

const { useLiveQuery, useScope, useRejections } = createTidemarkHooks<Schema>();
const clients = testClients();

afterEach(cleanup);

function device(c: TestClient, testId: string, ui: ReactNode): void {
  render(<div data-testid={testId}><TidemarkProvider client={c.client}>{ui}</TidemarkProvider></div>);
}

const on = (testId: string) => within(screen.getByTestId(testId));
const typed = (c: TestClient): TidemarkClient<Schema> => c.client as unknown as TidemarkClient<Schema>;

describe('React bindings against the server', () => {
  it('should show a membership disappear on one device when the other deleted its group offline (the README\'s component)', async () => {
    const p = prefix('react-seed');
    const ann = await serverUser(`${p}Ann`);
    const red = await serverGroup(`${p}Red`);
    const blue = await serverGroup(`${p}Blue`);
    await serverMembership(ann, red);
    await serverMembership(ann, blue);
    const phone = await clients.client(dbName('phone'), p);
    const laptop = await clients.client(dbName('laptop'), p);
    await Promise.all([settled(phone), settled(laptop)]);
    device(phone, 'phone', <Seed />);
    device(laptop, 'laptop', <Seed />);
    await on('laptop').findByText(`${p}Ann: ${p}Red, ${p}Blue`);
    await on('phone').findByText(`${p}Ann: ${p}Red, ${p}Blue`);

    phone.goOffline();
    await on('phone').findByText('offline, 0 waiting');
    act(() => on('phone').getByText(`delete ${p}Red`).click());
    await on('phone').findByText(`${p}Ann: ${p}Blue`); // the local cascade: at once, offline
    await on('phone').findByText('offline, 1 waiting');
    expect(on('laptop').getByText(`${p}Ann: ${p}Red, ${p}Blue`)).toBeTruthy();

    phone.goOnline();
    await on('laptop').findByText(`${p}Ann: ${p}Blue`, {}, { timeout: 20_000 });
    // The group's own tombstone comes by its own subscription, before or after the memberships'.
    await waitFor(() => expect(on('laptop').queryByText(`delete ${p}Red`)).toBeNull(), { timeout: 20_000 });
    await on('phone').findByText('online, 0 waiting', {}, { timeout: 20_000 });
  });

  it('should hold a scope while a component is mounted, ready once its rows are in', async () => {
    const p = prefix('react-scope');
    const ann = await serverUser(`${p}Ann`);
    const c = await clients.client(dbName('scope'), p);
    await settled(c);
    const documentUid = crypto.randomUUID();
    await gql('mutation($uid: String!, $user: String!) { saveUserDocument(input: {uid: $uid, userUid: $user, title: "Notes"}) { uid } }', { uid: documentUid, user: ann });
    await gql('mutation($uid: String!, $doc: String!) { saveUserDocumentEvent(input: {uid: $uid, documentUid: $doc, kind: "opened"}) { uid } }',
      { uid: crypto.randomUUID(), doc: documentUid });
    function Events() {
      const scope = useScope('UserDocumentEvent', { documentUid: { eq: documentUid } });
      const { data } = useLiveQuery((db) => db.list('UserDocumentEvent', { where: { documentUid: { eq: documentUid } } }), []);
      return <p>{scope.ready ? 'ready' : 'waiting'}: {data?.map((e) => e.kind).join() ?? '…'} ({scope.progress?.ready ? 'synced' : 'not synced'})</p>;
    }
    device(c, 'one', <Events />);
    await on('one').findByText('ready: opened (synced)', {}, { timeout: 20_000 });
    cleanup();
    await until('the scope released once its component is gone', () => typed(c).replica.scopesOf('UserDocumentEvent').length === 0);
  });

  it('should list a change the server refused, and retry it from a component', async () => {
    const p = prefix('react-retry');
    const red = await serverGroup(`${p}Red`);
    const mine = await clients.client(dbName('mine'), p);
    const theirs = await clients.client(dbName('theirs'), p);
    await Promise.all([settled(mine), settled(theirs)]);
    mine.goOffline();
    await until('mine offline', () => !mine.client.state.online);
    await typed(mine).save('Group', { uid: red, name: `${p}Mine` }); // earlier updatedAt
    await new Promise((r) => setTimeout(r, 20)); // theirs is later on the clock: it wins the conflict (last writer wins)
    await typed(theirs).save('Group', { uid: red, name: `${p}Theirs` });
    await settled(theirs);
    function Conflicts() {
      const { rejections, retry } = useRejections();
      const { data } = useLiveQuery((db) => db.get('Group', red), []);
      return (
        <div>
          <p>name: {data?.name ?? '…'}</p>
          {rejections.map((r) => <button key={r.id} onClick={() => void retry(r.id)}>keep {String(r.local.name)} ({r.reason})</button>)}
        </div>
      );
    }
    device(mine, 'mine', <Conflicts />);
    act(() => mine.goOnline());
    const keep = await on('mine').findByText(`keep ${p}Mine (CONFLICT_LOST)`, {}, { timeout: 20_000 });
    await on('mine').findByText(`name: ${p}Theirs`);
    act(() => keep.click());
    await on('mine').findByText(`name: ${p}Mine`);
    await settled(mine);
    expect(on('mine').queryByText(/^keep/)).toBeNull();
    await until('theirs told of the retried write', async () => (await typed(theirs).get('Group', red))?.name === `${p}Mine`);
  });
});
