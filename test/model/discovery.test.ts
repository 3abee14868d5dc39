import { DiscoveryResults, mergeDiscovery } from '../../src/model/discovery';

const file = (generatedAt: string, accounts: DiscoveryResults['accounts']): DiscoveryResults => ({ version: 1, generatedAt, accounts });

describe('merging a discovery run into the previous results', () => {
  const previous = file('2026-11-01T00:00:00Z', {
    '111111111111': { status: 'ok', policies: { A: { state: 'unmanaged', adoptedAt: '2026-11-01T00:00:00Z' }, B: { state: 'managed' } } },
    '222222222222': { status: 'ok', policies: { A: { state: 'unmanaged', adoptedAt: '2026-10-15T00:00:00Z' } } },
    '333333333333': { status: 'ok', policies: { A: { state: 'unmanaged', adoptedAt: '2026-10-20T00:00:00Z' } } },
  });

  test('a narrower run keeps the accounts and policies it did not look up', () => {
    const merged = mergeDiscovery(previous, file('2026-11-02T00:00:00Z', { '111111111111': { status: 'ok', policies: { B: { state: 'managed', defaultVersionId: 'v3' } } } }));
    expect(merged.generatedAt).toBe('2026-11-02T00:00:00Z');
    expect(merged.accounts['111111111111'].policies).toEqual({ A: { state: 'unmanaged', adoptedAt: '2026-11-01T00:00:00Z' }, B: { state: 'managed', defaultVersionId: 'v3' } });
    expect(merged.accounts['222222222222']).toEqual(previous.accounts['222222222222']);
  });

  test('an account that errors keeps its earlier policies and adoption times, marked with the error', () => {
    const merged = mergeDiscovery(previous, file('2026-11-02T00:00:00Z', { '333333333333': { status: 'error', error: { code: 'AccessDenied', message: 'denied' }, policies: {} } }));
    expect(merged.accounts['333333333333']).toEqual({ status: 'error', error: { code: 'AccessDenied', message: 'denied' }, policies: { A: { state: 'unmanaged', adoptedAt: '2026-10-20T00:00:00Z' } } });
  });

  test('with no previous file, the run is the result', () => {
    const fresh = file('2026-11-02T00:00:00Z', { '111111111111': { status: 'ok', policies: {} } });
    expect(mergeDiscovery(undefined, fresh)).toEqual(fresh);
  });
});
