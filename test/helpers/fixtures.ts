import * as fs from 'node:fs';
import * as path from 'node:path';

/** The real Terraform output samples, copied byte for byte with their sources and licences (test/fixtures/terraform/SOURCES.md). */
export const TF_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'terraform');
export const tfFixture = (p: string) => fs.readFileSync(path.join(TF_FIXTURES, p), 'utf8');
