import type { AuditEntry, Operation, Step, StepResult } from './types';

/** An operation's timeline for people (Markdown) and for tools (JSON). */
export interface Timeline {
  markdown: string;
  json: string;
}

const line = (text: unknown): string => String(text).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function stepSection(op: Operation, step: Step, index: number): string[] {
  const results = op.results.filter((r) => r.stepId === step.id);
  const out = [`### Step ${index + 1}: ${line(step.title)} (${step.risk})`, ''];
  if (step.explanation) out.push(line(step.explanation), '');
  for (const p of step.preview)
    out.push(p.code ? `- ${line(p.label)}:\n\n\`\`\`\n${p.value.replace(/```/g, "'''")}\n\`\`\`` : `- ${line(p.label)}: ${line(p.value)}`);
  const approvals = op.approvals.filter((a) => a.stepId === step.id);
  if (approvals.length > 0) out.push('', `Approved by ${approvals.map((a) => `${a.userId} at ${a.at}${a.onCall ? ' (on call)' : ''}`).join(', ')}`);
  else if (step.risk === 'read-only') out.push('', 'Read-only: no approval needed.');
  out.push(...results.flatMap((r) => resultLines(r)));
  if (results.length === 0) out.push('', 'Not run.');
  out.push('', `Verification: ${line(step.verification)}`, '');
  return out;
}

function resultLines(r: StepResult): string[] {
  const ids = Object.entries(r.externalIds)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return [
    '',
    `- Attempt ${r.attempt}: **${r.outcome}** in ${duration(r.durationMs)} (${r.startedAt} to ${r.finishedAt})`,
    `  - ${line(r.summary)}`,
    ...r.details.map((d) => `  - ${line(d.label)}: ${line(d.value).slice(0, 500)}`),
    ...(ids ? [`  - External ids: ${ids}`] : []),
  ];
}

/** Builds the timeline: alarm, diagnosis and plan, each approval, each step with its result and duration, verification, and the audit trail. */
export function buildTimeline(op: Operation, audit: readonly AuditEntry[]): Timeline {
  const md: string[] = [
    `# ${line(op.plan.title)}`,
    '',
    `- Operation: \`${op.id}\` (runbook \`${op.runbook}\`)`,
    `- Requested by ${op.requester} at ${op.createdAt}`,
    `- State: **${op.state}**${op.reason ? `: ${line(op.reason)}` : ''}${op.endedBy ? ` (by ${op.endedBy})` : ''}`,
    `- Last change: ${op.updatedAt}`,
    '',
    '## Alarm and input',
    '',
    op.correlationKey ? `Started for \`${line(op.correlationKey)}\`.` : 'Started by hand (slash command).',
    '',
    '```json',
    JSON.stringify(op.input, null, 2),
    '```',
    '',
    '## Plan',
    '',
    line(op.plan.summary),
    '',
    ...op.plan.steps.flatMap((s, i) => stepSection(op, s, i)),
    '## Audit trail',
    '',
    '| # | at | actor | event | detail |',
    '|---|---|---|---|---|',
    ...audit.map((a) => `| ${a.seq} | ${a.at} | ${line(a.actor)} | ${a.type} | ${line(JSON.stringify(a.detail)).slice(0, 300)} |`),
    '',
  ];
  const json = JSON.stringify({ version: 1, operation: op, audit }, null, 2);
  return { markdown: md.join('\n'), json };
}
