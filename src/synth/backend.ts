import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { BackendSettings } from '../core/settings';

/** cdktf 0.21's S3Backend predates S3 native locking; this adds `use_lockfile`. */
class S3BackendWithLockfile extends S3Backend {
  constructor(
    scope: Construct,
    props: ConstructorParameters<typeof S3Backend>[1],
    private readonly useLockfile: boolean,
  ) {
    super(scope, props);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...super.synthesizeAttributes(), ...(this.useLockfile ? { use_lockfile: true } : {}) };
  }
}

/**
 * The stack's backend from settings: the local backend at `localStatePath` (relative to the stack's
 * folder), or S3 at `<keyPrefix>/<key>`. Backend settings are literal in Terraform, not templates.
 */
export function addBackend(stack: TerraformStack, backend: BackendSettings, where: { readonly localStatePath: string; readonly key: string }): void {
  if (backend.type === 's3') {
    new S3BackendWithLockfile(
      stack,
      {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${where.key}`,
        region: backend.region,
        encrypt: backend.encrypt,
        ...(backend.dynamodbTable ? { dynamodbTable: backend.dynamodbTable } : {}),
        ...(backend.roleArn ? { assumeRole: { roleArn: backend.roleArn } } : {}),
      },
      backend.useLockfile,
    );
  } else {
    new LocalBackend(stack, { path: where.localStatePath });
  }
}
