/**
 * Renders the sync engine's transition table as the README shows it: the legend, a grid of states
 * × events, and every cell's reason. `engine-table.test.ts` checks the README against it.
 */
import { EVENTS, STATES, type Cell, type EventType, type State } from '../sync/engine-states.js';
import { TABLE } from '../sync/engine-table.js';

export const DOC_BEGIN = '<!-- engine-table:begin (generated from src/sync/engine-table.ts by src/test-support/engine-table-doc.ts; rewrite: ENGINE_TABLE_WRITE=1 npx vitest run src/sync/engine-table.test.ts) -->';
export const DOC_END = '<!-- engine-table:end -->';

const states = Object.keys(TABLE) as State[];
const events = Object.keys(EVENTS) as EventType[];

function short(cell: Cell<EventType>): string {
  if (cell.kind === 'ignored') return '–';
  if (cell.kind === 'impossible') return '✗';
  return cell.to.join(' / ');
}

function long(cell: Cell<EventType>): string {
  if (cell.kind === 'ignored') return `ignored: ${cell.why}`;
  if (cell.kind === 'impossible') return `✗ throws: ${cell.why}`;
  return `→ ${cell.to.map((s) => `\`${s}\``).join(' / ')}: ${cell.why}`;
}

export function renderEngineTable(): string {
  const cell = (s: State, e: EventType): Cell<EventType> => TABLE[s][e] as Cell<EventType>;
  const lines = [
    DOC_BEGIN,
    '',
    'States:',
    '',
    ...states.map((s) => `- \`${s}\`: ${STATES[s]}`),
    '',
    'Events:',
    '',
    ...events.map((e) => `- \`${e}\`: ${EVENTS[e]}`),
    '',
    'The next state for each state (row) and event (column); `–` ignored, `✗` impossible (the engine throws):',
    '',
    `| | ${events.map((e) => `\`${e}\``).join(' | ')} |`,
    `| --- | ${events.map(() => '---').join(' | ')} |`,
    ...states.map((s) => `| \`${s}\` | ${events.map((e) => short(cell(s, e))).join(' | ')} |`),
    '',
    'Why, cell by cell:',
    '',
  ];
  for (const s of states) {
    lines.push(`- \`${s}\``);
    for (const e of events) lines.push(`  - \`${e}\` ${long(cell(s, e))}`);
  }
  lines.push('', DOC_END);
  return lines.join('\n');
}
