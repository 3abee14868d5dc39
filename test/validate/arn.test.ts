import fc from 'fast-check';
import { ArnFormatIndex, formatTokens, patternsIntersect, policyTokens, splitArn } from '../../src/validate/arn';
import { IamCatalog, iamCatalogIndex } from '../../src/validate/iam-catalog';

describe('arn: fields', () => {
  test.each([
    ['arn:aws:s3:::bucket/key:with:colons', { partition: 'aws', service: 's3', region: '', account: '', resource: 'bucket/key:with:colons' }],
    ['arn:aws-us-gov:iam::111122223333:role/x', { partition: 'aws-us-gov', service: 'iam', region: '', account: '111122223333', resource: 'role/x' }],
    ['arn:aws:s3', { missing: 3 }],
    ['arn:aws:s3:::', { partition: 'aws', service: 's3', region: '', account: '', resource: '' }],
  ])('splits %s', (arn, fields) => {
    expect(splitArn(arn)).toEqual(fields);
  });
});

describe('arn: do two patterns have a common match', () => {
  // a tiny alphabet keeps brute force possible. A shortest common match is no longer than the
  // single-character tokens of both patterns together, so every string up to that length is tried.
  const alphabet = ['a', '/', ':'];
  const policyPattern = fc.array(fc.constantFrom('a', '/', ':', '*', '?'), { maxLength: 4 }).map((cs) => cs.join(''));
  const formatPattern = fc.array(fc.constantFrom('a', '/', ':', '${X}', '${BucketName}'), { maxLength: 3 }).map((cs) => cs.join(''));
  const singles = (a: string, b: string) => a.replace(/\*/g, '').length + b.replace(/\$\{[^}]*\}/g, '.').length;
  const toRegex = (p: string, format: boolean) =>
    new RegExp(
      '^' +
        p
          .split(/(\$\{[^}]*\}|\*|\?)/)
          .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part === '${BucketName}' && format ? '[^/:]+' : part.startsWith('${') && format ? '.+' : part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
          .join('') +
        '$',
    );
  function* strings(max: number): Generator<string> {
    yield '';
    let layer = [''];
    for (let n = 1; n <= max; n++) {
      layer = layer.flatMap((s) => alphabet.map((c) => s + c));
      yield* layer;
    }
  }

  test('agrees with brute force on small patterns', () => {
    fc.assert(
      fc.property(policyPattern, formatPattern, (a, b) => {
        const ra = toRegex(a, false);
        const rb = toRegex(b, true);
        let expected = false;
        for (const s of strings(singles(a, b) + 1)) {
          if (ra.test(s) && rb.test(s)) {
            expected = true;
            break;
          }
        }
        expect(patternsIntersect(policyTokens(a), formatTokens(b))).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});

describe('arn: policy ARNs against the catalog formats', () => {
  const index = new ArnFormatIndex(new IamCatalog(iamCatalogIndex()).index.arns);
  test.each([
    ['arn:aws:s3:::my-bucket', 'ok'],
    ['arn:aws:s3:::my-bucket/*', 'ok'],
    ['arn:aws:s3:::my-bucket:extra', 'no-resource-type'],
    ['arn:aws:s3:us-east-1::my-bucket', 'region-not-allowed'],
    ['arn:aws:s3::111122223333:my-bucket', 'account-not-allowed'],
    ['arn:aws:iam:us-east-1:111122223333:role/Deploy', 'region-not-allowed'],
    ['arn:aws:iam::111122223333:role:Deploy', 'no-resource-type'],
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'ok'],
    ['arn:aws:dynamodb::111122223333:table/Orders', 'region-missing'],
    ['arn:aws:dynamodb:*:*:table/Orders/index/*', 'ok'],
    ['arn:aws:logs:*:*:log-group:/aws/lambda/*:*', 'ok'],
    ['arn:aws:lambda:us-east-1:111122223333:function:f', 'ok'],
    ['arn:aws:nosuchservice:us-east-1:111122223333:thing/x', 'unknown-service'],
  ])('%s is %s', (arn, kind) => {
    expect(index.match(arn).kind).toBe(kind);
  });
});

describe('arn: the shortcuts give what the general algorithm gives', () => {
  const formats = new IamCatalog(iamCatalogIndex()).index.arns;
  const fast = new ArnFormatIndex(formats);
  const exact = new ArnFormatIndex(formats, { exact: true });
  const services = ['s3', 'iam', 'dynamodb', 'logs', 'lambda', 'ec2', 'kms', 'sqs'];
  const byService = formats.filter((f) => services.includes(f.split(':')[2]));
  // a real format with its variables filled in, then cut and given wildcards at random
  const arn = fc
    .tuple(
      fc.constantFrom(...byService),
      fc.array(fc.constantFrom('a', 'b', '1', '-', '/', ':', '.'), { minLength: 0, maxLength: 6 }).map((cs) => cs.join('')),
      fc.nat(60),
      fc.constantFrom('', '*', '?', '*x', '/*', ':*'),
      fc.constantFrom('us-east-1', '*', '', 'eu-west-1'),
      fc.constantFrom('111122223333', '*', '', 'aws'),
    )
    .map(([format, fill, cut, tail, region, account]) => {
      const m = /^arn:[^:]*:([^:]*):[^:]*:[^:]*:(.*)$/s.exec(format)!;
      const filled = m[2].replace(/\$\{[^}]*\}/g, fill || 'x');
      return `arn:aws:${m[1]}:${region}:${account}:${filled.slice(0, cut) + tail}`;
    });

  test('plain, trailing-star and other patterns', () => {
    fc.assert(
      fc.property(arn, (a) => {
        expect(fast.match(a)).toEqual(exact.match(a));
      }),
      { numRuns: 3000 },
    );
  });
});
