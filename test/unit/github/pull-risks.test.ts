import { describe, expect, it } from 'vitest';
import { areasOf, type ChangedFile, riskAreasOf, sizeOf } from '../../../src/integrations/github/pull-risks.js';

const f = (filename: string, additions = 1, deletions = 0, status = 'modified'): ChangedFile => ({ filename, status, additions, deletions });
const kinds = (files: ChangedFile[], totals = { additions: 10, deletions: 0, changed_files: files.length }) => riskAreasOf(files, totals).map((r) => r.kind);

describe('areas of a change', () => {
  it('groups by top-level folder, biggest change first, root files as (root)', () => {
    expect(areasOf([f('src/a.ts', 5), f('README.md', 1), f('src/b/c.ts', 2, 3), f('docs/x.md', 20)])).toEqual([
      { area: 'docs', files: 1, additions: 20, deletions: 0 },
      { area: 'src', files: 2, additions: 7, deletions: 3 },
      { area: '(root)', files: 1, additions: 1, deletions: 0 },
    ]);
  });

  it('sizes by lines changed', () => {
    expect([sizeOf(5, 4), sizeOf(5, 5), sizeOf(99, 0), sizeOf(100, 0), sizeOf(499, 0), sizeOf(500, 0), sizeOf(999, 0), sizeOf(1000, 0)]).toEqual([
      'XS',
      'S',
      'S',
      'M',
      'M',
      'L',
      'L',
      'XL',
    ]);
  });
});

describe('risk areas', () => {
  it.each([
    ['db/migrations/001_init.sql', 'migrations'],
    ['prisma/schema.prisma', 'migrations'],
    ['app/db/schema.rb', 'migrations'],
    ['src/auth/session.ts', 'security'],
    ['lib/crypto.py', 'security'],
    ['src/middleware/csrf-guard.ts', 'security'],
    ['.github/workflows/deploy.yml', 'ci'],
    ['.gitlab-ci.yml', 'ci'],
    ['package-lock.json', 'dependencies'],
    ['services/api/go.sum', 'dependencies'],
    ['requirements-dev.txt', 'dependencies'],
    ['Dockerfile', 'infrastructure'],
    ['infra/main.tf', 'infrastructure'],
    ['.env.production', 'infrastructure'],
  ])('%s → %s', (filename, kind) => {
    expect(kinds([f(filename), f('test/x.test.ts')])).toContain(kind);
  });

  it('does not mistake look-alike names for security code', () => {
    for (const name of ['src/author.ts', 'src/authors/list.ts', 'src/tokenizer.ts', 'docs/sessions-guide.md'])
      expect(kinds([f(name), f('test/a.test.ts')]), name).toEqual([]);
  });

  it('flags code without tests, but not when tests change or nothing is code', () => {
    expect(riskAreasOf([f('src/a.ts'), f('src/b.go')], { additions: 2, deletions: 0, changed_files: 2 })).toEqual([
      { kind: 'no_tests', why: 'Code changes without any test changes.', files: ['src/a.ts', 'src/b.go'] },
    ]);
    expect(kinds([f('src/a.ts'), f('src/a.test.ts')])).toEqual([]);
    expect(kinds([f('pkg/a.go'), f('pkg/a_test.go')])).toEqual([]);
    expect(kinds([f('README.md'), f('docs/guide.md')])).toEqual([]);
  });

  it('flags deleted files (without calling a deletion untested code) and large diffs by lines or files', () => {
    expect(kinds([f('src/old.ts', 0, 80, 'removed')])).toEqual(['deleted_files']);
    expect(kinds([f('docs/a.md', 1000)], { additions: 1000, deletions: 0, changed_files: 1 })).toEqual(['large_diff']);
    const many = Array.from({ length: 50 }, (_, i) => f(`docs/${i}.md`));
    expect(kinds(many)).toEqual(['large_diff']);
    expect(riskAreasOf(many, { additions: 50, deletions: 0, changed_files: 50 })[0]?.files).toHaveLength(5);
  });
});
