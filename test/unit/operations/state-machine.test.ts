import { assertTransition, canTransition, InvalidTransitionError } from '../../../src/operations/state-machine';
import { FINAL_STATES, OPERATION_STATES, type OperationState } from '../../../src/operations/types';

const ALLOWED: [OperationState, OperationState][] = [
  ['planned', 'awaiting_approval'],
  ['planned', 'running'],
  ['planned', 'cancelled'],
  ['planned', 'failed'],
  ['awaiting_approval', 'approved'],
  ['awaiting_approval', 'cancelled'],
  ['awaiting_approval', 'expired'],
  ['awaiting_approval', 'failed'],
  ['approved', 'running'],
  ['approved', 'cancelled'],
  ['approved', 'awaiting_approval'],
  // An approval whose step never started (the bot died in between) can still lapse.
  ['approved', 'expired'],
  ['running', 'succeeded'],
  ['running', 'failed'],
  ['running', 'awaiting_approval'],
  ['running', 'running'],
  ['running', 'interrupted'],
  // An interrupted step waits for a person: a fresh approval to run it again, or closing it.
  ['interrupted', 'awaiting_approval'],
  ['interrupted', 'cancelled'],
];

describe('operation state machine', () => {
  it('allows exactly the designed transitions', () => {
    const allowed = OPERATION_STATES.flatMap((from) => OPERATION_STATES.filter((to) => canTransition(from, to)).map((to) => [from, to]));
    expect(allowed.sort()).toEqual([...ALLOWED].sort());
  });

  it.each([...FINAL_STATES].map((s) => [s]))('%s is final: no transition leaves it', (from) => {
    for (const to of OPERATION_STATES) expect(canTransition(from, to)).toBe(false);
  });

  it('knows exactly four final states', () => {
    expect([...FINAL_STATES].sort()).toEqual(['cancelled', 'expired', 'failed', 'succeeded']);
  });

  it('lets a running operation be interrupted (crash recovery)', () => {
    expect(canTransition('running', 'interrupted')).toBe(true);
    expect(() => assertTransition('running', 'interrupted')).not.toThrow();
  });

  it('never runs an interrupted step again without a new approval', () => {
    expect(canTransition('interrupted', 'running')).toBe(false);
    expect(canTransition('interrupted', 'approved')).toBe(false);
  });

  it('never runs straight from awaiting_approval (the approval must be recorded first)', () => {
    expect(canTransition('awaiting_approval', 'running')).toBe(false);
    expect(() => assertTransition('awaiting_approval', 'running')).toThrow(InvalidTransitionError);
  });

  it('cannot cancel or interrupt what is not running or pending', () => {
    expect(canTransition('running', 'cancelled')).toBe(false);
    expect(canTransition('awaiting_approval', 'interrupted')).toBe(false);
    expect(canTransition('succeeded', 'running')).toBe(false);
  });

  it('assertTransition throws a typed error naming both states', () => {
    let caught: unknown;
    try {
      assertTransition('succeeded', 'running');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError);
    expect(caught).toMatchObject({ code: 'invalid_transition', from: 'succeeded', to: 'running' });
    expect((caught as Error).message).toBe('An operation cannot go from succeeded to running');
  });

  it('assertTransition accepts every allowed transition', () => {
    for (const [from, to] of ALLOWED) expect(() => assertTransition(from, to)).not.toThrow();
  });
});
