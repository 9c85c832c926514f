/**
 * Jest runs the TypeScript sources directly; `npm run typecheck` does the type checking.
 * Two projects: `unit` (pure code and in-memory fakes, the fast inner loop: `npm run test:unit`) and
 * `wire` (the real bot on loopback, fakes, sandbox, chaos). `npm test` runs both.
 */
const transform = { '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }] };
const project = (displayName, roots) => ({ displayName, testEnvironment: 'node', roots, testMatch: ['**/*.test.ts'], transform });

module.exports = {
  projects: [
    project('unit', ['<rootDir>/test/unit', '<rootDir>/test/support']),
    project('wire', ['<rootDir>/test/e2e', '<rootDir>/test/fakes', '<rootDir>/test/sandbox', '<rootDir>/test/chaos']),
  ],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
