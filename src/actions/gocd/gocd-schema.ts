import { z } from 'zod';

// The parts of GoCD's pipeline history API (v1, `GET /go/api/pipelines/:name/history`) we read.
// Lenient on purpose: GoCD adds fields between versions, and a missing optional field must not
// hide the runs we can read.

const Modification = z.object({
  revision: z.string(),
  user_name: z.string().nullish(),
  comment: z.string().nullish(),
  modified_time: z.number().nullish(),
});

const MaterialRevision = z.object({
  changed: z.boolean().nullish(),
  material: z.object({ name: z.string().nullish(), type: z.string().nullish(), description: z.string().nullish() }).nullish(),
  modifications: z.array(Modification).default([]),
});

const Job = z.object({ name: z.string(), state: z.string().nullish(), result: z.string().nullish() });

const Stage = z.object({
  name: z.string(),
  counter: z.union([z.string(), z.number()]).nullish(),
  scheduled: z.boolean().nullish(),
  status: z.string().nullish(),
  result: z.string().nullish(),
  jobs: z.array(Job).default([]),
});

export const PipelineInstance = z.object({
  name: z.string(),
  counter: z.number().int(),
  label: z.string().nullish(),
  scheduled_date: z.number().nullish(),
  preparing_to_schedule: z.boolean().nullish(),
  build_cause: z
    .object({
      trigger_message: z.string().nullish(),
      material_revisions: z.array(MaterialRevision).default([]),
    })
    .nullish(),
  stages: z.array(Stage).default([]),
});
export type PipelineInstance = z.infer<typeof PipelineInstance>;

export const PipelineHistory = z.object({
  _links: z.object({ next: z.object({ href: z.string() }).nullish() }).nullish(),
  pipelines: z.array(PipelineInstance),
});
export type PipelineHistory = z.infer<typeof PipelineHistory>;
