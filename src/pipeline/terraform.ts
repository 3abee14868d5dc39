/** How the use cases run Terraform: one runner per command, from flags, environment and settings. */
import * as path from 'node:path';
import { Settings } from '../core/settings';
import type { TerraformRunner } from '../adapters/terraform/runner';
import { Reporter } from './reporter';

/** The binary to run: the --terraform flag, else PRISM_TERRAFORM, else settings (empty values count as unset). */
export function terraformBinary(flag: string | undefined, settings: Settings): string {
  return flag || process.env.PRISM_TERRAFORM || settings.terraform.binary;
}

/** Where each account's initialised Terraform working data is kept between runs, relative to the repository. */
export const TERRAFORM_DATA_DIR = path.join('.prism', 'terraform');

/**
 * The runner for a repository: the binary, the shared plugin cache (TF_PLUGIN_CACHE_DIR, else
 * <dir>/.terraform-plugin-cache, unless settings turn it off), each account's working data kept in
 * <dir>/.prism/terraform/<stack>, plans attached to a provider process per account (unless
 * PRISM_ATTACH_PROVIDER=0), and each account's news to `reporter`.
 */
export function terraformRunner(dir: string, settings: Settings, flag: string | undefined, reporter: Reporter): TerraformRunner {
  const cache = process.env.TF_PLUGIN_CACHE_DIR || (settings.terraform.pluginCache ? `${dir}/.terraform-plugin-cache` : undefined);
  return {
    binary: terraformBinary(flag, settings),
    ...(cache ? { pluginCacheDir: cache } : {}),
    dataRoot: path.resolve(dir, TERRAFORM_DATA_DIR),
    attachProvider: process.env.PRISM_ATTACH_PROVIDER !== '0',
    onNews: (account, text) => reporter.accountNews(account, text),
  };
}
