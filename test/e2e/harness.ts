/**
 * The end-to-end suites' jest side: `describe` that runs when the real tools are present, skips with
 * one loud line when they are not, and fails under PRISM_E2E=required (set by .ci/run). The tools
 * and the emulator are in src/testing/emulator.ts, which the benchmark shares.
 */
import { spawnSync } from 'node:child_process';
import { E2eTools, findTools, findMoto } from '../../src/testing/emulator';

import { E2E_REGION, Moto } from '../../src/testing/emulator';
export { E2E_REGION, e2eEnv, Moto, terraformSettings } from '../../src/testing/emulator';
export type { E2eTools } from '../../src/testing/emulator';

let announced = false;

/**
 * `describe` for an end-to-end suite: runs it when the tools are present; otherwise skips it with one
 * loud line, or, under PRISM_E2E=required, fails with what is missing.
 */
export function describeE2e(name: string, fn: (tools: E2eTools) => void): void {
  const { tools, missing } = findTools();
  if (tools) {
    describe(name, () => fn(tools));
    return;
  }
  const why = `missing: ${missing.join('; ')}`;
  if (process.env.PRISM_E2E === 'required') {
    describe(name, () => test('has terraform, the AWS provider and moto (PRISM_E2E=required)', () => {
      throw new Error(why);
    }));
    return;
  }
  if (!announced) {
    announced = true;
    process.stderr.write(`\n*** END-TO-END SUITE SKIPPED (real terraform against the moto AWS emulator): ${why}. See README, "Running the end-to-end suite locally". ***\n\n`);
  }
  describe.skip(name, () => test.todo('end-to-end'));
}

/**
 * `describe` for tests that need only the terraform binary (no provider, no AWS): runs when terraform
 * runs; otherwise skips loudly, or fails under PRISM_E2E=required.
 */
export function describeWithTerraform(name: string, fn: (terraform: string) => void): void {
  const terraform = process.env.PRISM_TERRAFORM || 'terraform';
  if (spawnSync(terraform, ['version'], { encoding: 'utf8' }).status === 0) {
    describe(name, () => fn(terraform));
    return;
  }
  const why = `terraform is not runnable as ${JSON.stringify(terraform)}: install Terraform >= 1.5 on PATH, or set PRISM_TERRAFORM`;
  if (process.env.PRISM_E2E === 'required') {
    describe(name, () => test('has terraform (PRISM_E2E=required)', () => {
      throw new Error(why);
    }));
    return;
  }
  process.stderr.write(`\n*** SKIPPED (needs the real terraform binary): ${name}: ${why}. ***\n\n`);
  describe.skip(name, () => test.todo('terraform'));
}

/**
 * `describe` for tests that need only moto (the AWS API emulator), not terraform: runs when moto's
 * server can start; otherwise skips loudly, or fails under PRISM_E2E=required.
 */
export function describeWithMoto(name: string, fn: (python: string) => void): void {
  const { python, missing } = findMoto();
  if (!missing) {
    describe(name, () => fn(python));
    return;
  }
  if (process.env.PRISM_E2E === 'required') {
    describe(name, () => test('has moto (PRISM_E2E=required)', () => {
      throw new Error(missing);
    }));
    return;
  }
  process.stderr.write(`\n*** SKIPPED (needs the moto AWS emulator): ${name}: ${missing}. ***\n\n`);
  describe.skip(name, () => test.todo('moto'));
}

/** Points the AWS SDK in this process at moto for the duration of a suite (restored afterwards). */
export function useEmulatorInProcess(moto: () => Moto): void {
  const saved: Record<string, string | undefined> = {};
  const vars = (m: Moto): Record<string, string> => ({ AWS_ENDPOINT_URL: m.endpoint, AWS_ACCESS_KEY_ID: 'prism-e2e', AWS_SECRET_ACCESS_KEY: 'prism-e2e-not-a-secret', AWS_REGION: E2E_REGION, AWS_SESSION_TOKEN: '', AWS_PROFILE: '' });
  beforeAll(() => {
    for (const [k, v] of Object.entries(vars(moto()))) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
