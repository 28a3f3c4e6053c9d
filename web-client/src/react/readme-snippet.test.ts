import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');

describe("the README's React example", () => {
  it('should be test/readme/seed-app.tsx, which tsc checks and the integration suite renders, in under 40 lines', () => {
    const app = read('../../test/readme/seed-app.tsx').trimEnd();
    expect(read('../../README.md')).toContain(`\`\`\`tsx\n${app}\n\`\`\``);
    expect(app.split('\n').length).toBeLessThan(40);
  });
});
