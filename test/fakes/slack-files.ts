// Moved to src/sandbox/fakes/ with the Slack emulator that uses it; tests keep this path.
export * from '../../src/sandbox/fakes/slack-files';
