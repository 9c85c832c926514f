import { toRun } from '../../../src/actions/gocd/gocd-actions';
import { PipelineHistory } from '../../../src/actions/gocd/gocd-schema';
import { GOCD_HISTORY_FIXTURE } from '../../fixtures/gocd-pipeline-history';

describe('reading GoCD pipeline history in the documented shape', () => {
  it('takes the git material as the build commit (newest modification), and tells running from passed', () => {
    const history = PipelineHistory.parse(GOCD_HISTORY_FIXTURE);
    const [building, passed] = history.pipelines.map(toRun);
    expect(building).toMatchObject({
      pipeline: 'metapod',
      counter: 128,
      label: '128',
      state: 'running',
      scheduledAt: new Date(1795520000000).toISOString(),
      commit: {
        revision: '6c957ed851d82103e2b151b04aa8a5ede042c3c5',
        author: 'Ana Lima <ana@example.com>',
        message: 'Fix the index\n\nLonger body',
        material: 'metapod',
      },
      stages: [
        { name: 'build', status: 'Building' },
        { name: 'release', status: 'Unknown' },
      ],
      triggeredBy: 'modified by Ana Lima <ana@example.com>',
    });
    expect(building!.commits.map((c) => c.revision)).toEqual(['common-config/77/release/1', '6c957ed851d82103e2b151b04aa8a5ede042c3c5']);
    expect(passed).toMatchObject({ counter: 127, state: 'passed', commit: { revision: 'a3c1e0f9b8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3' } });
  });

  it('tolerates missing optional fields, and rejects a body that is not a history', () => {
    expect(toRun(PipelineHistory.parse({ pipelines: [{ name: 'x', counter: 1 }] }).pipelines[0]!)).toEqual({
      pipeline: 'x',
      counter: 1,
      label: '1',
      scheduledAt: undefined,
      commit: undefined,
      commits: [],
      state: 'unknown',
      stages: [],
      triggeredBy: undefined,
    });
    expect(PipelineHistory.safeParse({ pipelines: [{ name: 'x' }] }).success).toBe(false);
  });
});
