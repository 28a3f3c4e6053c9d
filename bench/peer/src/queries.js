/**
 * The list measurements: the same rows asked of each server over HTTP, one request at a time, the
 * servers taking turns within each round (so a slower moment of the shared machine hits all of
 * them), timed from sending the request to having read the whole answer. Every answer is checked:
 * its row count, and once that every server returned the same rows.
 */
import { percentile } from './stats.js';

const FIELDS = 'uid name email createdAt updatedAt deletedAt version';

/** The three reads, each as every target asks it; `rows` takes a response's data to its rows. */
export function listQueries({ group, teamEmail, lookupUids }, size) {
  const tidemark = (where, variables) => ({
    query: `query($w: UserWhere) { users(where: $w) { ${FIELDS} } }`,
    variables: (i) => ({ w: where(i) }),
    rows: (data) => data.users,
    ...variables,
  });
  return [
    {
      key: 'scope',
      title: `${size.scopeRows.toLocaleString('en')}-row scope (the members of a group)`,
      expected: size.scopeRows,
      warmup: size.listWarmup,
      runs: size.listRuns,
      tidemark: tidemark(() => ({ memberships: { some: { groupUid: { eq: group } } } })),
      postgraphile: {
        query: `query($g: UUID!) { allUserGroups(condition: {groupUid: $g, deletedAt: null}) { nodes { appUserByUserUid { ${FIELDS} } } } }`,
        variables: () => ({ g: group }),
        rows: (data) => data.allUserGroups.nodes.map((n) => n.appUserByUserUid),
      },
    },
    {
      key: 'eq',
      title: `${size.eqRows.toLocaleString('en')} rows by \`eq\` on an indexed column (email)`,
      expected: size.eqRows,
      warmup: size.listWarmup,
      runs: size.listRuns,
      tidemark: tidemark(() => ({ email: { eq: teamEmail } })),
      postgraphile: {
        query: `query($e: String!) { allAppUsers(condition: {email: $e}) { nodes { ${FIELDS} } } }`,
        variables: () => ({ e: teamEmail }),
        rows: (data) => data.allAppUsers.nodes,
      },
    },
    {
      key: 'lookup',
      title: 'one row by its uid',
      expected: 1,
      warmup: size.lookupWarmup,
      runs: size.lookupRuns,
      tidemark: tidemark((i) => ({ uid: { eq: lookupUids[i % lookupUids.length] } })),
      postgraphile: {
        query: `query($u: UUID!) { appUserByUid(uid: $u) { ${FIELDS} } }`,
        variables: (i) => ({ u: lookupUids[i % lookupUids.length] }),
        rows: (data) => (data.appUserByUid ? [data.appUserByUid] : []),
      },
    },
  ];
}

/**
 * Runs each query `warmup + runs` rounds against every target ({name, url, token, kind:
 * 'tidemark'|'postgraphile'}); returns, per query key and target name, the latencies in ms.
 */
export async function measureLists(queries, targets, log) {
  const results = {};
  for (const q of queries) {
    results[q.key] = Object.fromEntries(targets.map((t) => [t.name, []]));
    const firstRows = new Map();
    for (let i = 0; i < q.warmup + q.runs; i++) {
      for (const target of targets) {
        const spec = q[target.kind];
        const { ms, rows } = await ask(target, spec, i, q.expected);
        if (i >= q.warmup) results[q.key][target.name].push(ms);
        if (i === 0) firstRows.set(target.name, rows.map((r) => r.uid).sort().join());
      }
      if (i === 0 && new Set(firstRows.values()).size !== 1) {
        throw new Error(`${q.title}: the servers returned different rows (${[...firstRows.keys()].join(', ')})`);
      }
    }
    log(`  ${q.title}: ` + targets.map((t) => `${t.name} p50 ${percentile(results[q.key][t.name], 0.5).toFixed(1)} ms`).join(', '));
  }
  return results;
}

async function ask(target, spec, i, expected) {
  const body = JSON.stringify({ query: spec.query, variables: spec.variables(i) });
  const headers = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  const start = performance.now();
  const response = await fetch(target.url, { method: 'POST', headers, body });
  const text = await response.text();
  const ms = performance.now() - start;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${target.name} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  if (parsed.errors?.length || !parsed.data) {
    throw new Error(`${target.name} answered HTTP ${response.status} with errors: ${JSON.stringify(parsed.errors).slice(0, 500)}`);
  }
  const rows = spec.rows(parsed.data);
  if (rows.length !== expected) throw new Error(`${target.name} returned ${rows.length} rows where ${expected} were expected`);
  return { ms, rows };
}
