/** The pin and example use cases called in process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { example } from '../../src/pipeline/example';
import { checkPins, pin, upgradePins } from '../../src/pipeline/pin';
import { CollectingReporter } from '../../src/pipeline/reporter';
import { minimalRepo, writeRepo } from '../helpers/repo';

describe('the pin use cases', () => {
  test('pin an old version, see the newer ones classified, then upgrade every pin at once', async () => {
    const dir = writeRepo(minimalRepo());
    const pinned = await pin({ dir, name: 'AmazonS3ReadOnlyAccess', version: 'v2' });
    expect(pinned).toMatchObject({ name: 'AmazonS3ReadOnlyAccess', version: 'v2' });
    expect(fs.existsSync(path.join(dir, 'policies', 'AmazonS3ReadOnlyAccess.meta.yaml'))).toBe(true);
    const before = await checkPins({ dir });
    expect(before.upgrades).toBe(1);
    expect(before.policies[0].newer[0]).toMatchObject({ version: 'v3', label: 'additive' });
    const upgraded = await upgradePins({ dir });
    expect(upgraded).toEqual([expect.objectContaining({ name: 'AmazonS3ReadOnlyAccess', upgradedFrom: { version: 'v2', classification: expect.objectContaining({ label: expect.any(String) }) } })]);
    expect((await checkPins({ dir })).upgrades).toBe(0);
    expect(await upgradePins({ dir })).toEqual([]);
  });
});

describe('the example use case', () => {
  test('validates, synthesises and previews the bundled example in a temporary copy it then removes', async () => {
    const outcome = await example({ reporter: new CollectingReporter() });
    expect(outcome.validation.filter((d) => d.severity === 'error')).toEqual([]);
    expect(outcome.synth?.kind).toBe('synthesised');
    expect(outcome.stacks).toHaveLength(7);
    expect(outcome.preview?.json.policies).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'DataLakeRead', change: 'edit' })]));
    expect(fs.existsSync(outcome.work)).toBe(false);
  });
});
