import { createHash } from 'node:crypto';

/** The namespace for Prism's policy IDs (a fixed random UUID; changing it changes every ID). */
export const PRISM_POLICY_NAMESPACE = '6f1d0f3e-8c1b-4f4e-9a57-2b7f0e9d5c41';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/**
 * The `Prism:CustomerPolicyID` of a CMP: a UUID v5 (RFC 9562) of its lower-cased name, so it is the same
 * in every account and on every machine without being stored. IAM names are case-insensitive, hence lower case.
 */
export function customerPolicyId(name: string): string {
  const hash = createHash('sha1').update(uuidBytes(PRISM_POLICY_NAMESPACE)).update(name.toLowerCase(), 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
