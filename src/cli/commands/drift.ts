import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDiscoveryResults } from '../../load/read-discovery';
import { findDrift, renderDriftReport } from '../../plan/drift-report';
import { parseFlags } from '../args';
import { readPlanFile } from './preview';

export const DRIFT_HELP = `prism drift [--plan FILE] [--discovery FILE] [--dir DIR]

Reports what was edited outside Prism, from refresh-only plans (prism plan --all --refresh-only) and
discovery (prism discover --all), as the markdown body of the one drift issue the scheduled
workflow opens or updates. Exit codes: 0 no drift, 1 drift found, 2 usage.`;

/** `prism drift`. */
export async function driftCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { dir: { type: 'string' }, plan: { type: 'string', multiple: true }, discovery: { type: 'string' } });
  if (values.help) {
    process.stdout.write(DRIFT_HELP + '\n');
    return 0;
  }
  const dir = path.resolve(values.dir ?? '.');
  const plans = (values.plan?.length ? values.plan : [path.join(dir, '.prism', 'plan.json')].filter((f) => fs.existsSync(f))).flatMap((f) => readPlanFile(path.resolve(f)));
  const discovery = loadDiscoveryResults(dir, values.discovery);
  const { findings, failed } = findDrift(plans, discovery);
  process.stdout.write(renderDriftReport(findings, failed, new Date().toISOString().slice(0, 10)) + '\n');
  return findings.length ? 1 : 0;
}
