// Moved to src/sandbox/fakes/ so the sandbox (npm start without Slack credentials) ships it; tests keep this path.
export * from '../../src/sandbox/fakes/airflow';
export { startAirflowV2Fake, startAirflowFakeFor } from '../../src/sandbox/fakes/airflow-v2';
