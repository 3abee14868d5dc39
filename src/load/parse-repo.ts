import { Diagnostic } from '../core/diagnostics';
import { decodeUserFile } from './decode';
import { LAYOUT } from './layout';
import { parseJsonFile } from './parse-json';
import { parseYamlFile } from './parse-yaml';
import { FileKind, ParsedFile, RawEntry } from './parsed-file';

/** Every user file of a repository, parsed, plus the problems found while reading and parsing. */
export interface LoadedRepo {
  readonly settings?: ParsedFile;
  readonly policies: ParsedFile[];
  readonly policyMeta: ParsedFile[];
  readonly permissionSets: ParsedFile[];
  readonly assignments: ParsedFile[];
  readonly diagnostics: Diagnostic[];
}

/** What a file name in a user folder means, or why it is not recognised. */
export function classifyPath(path: string): FileKind | { unexpected: string } {
  if (path === LAYOUT.settings) return 'settings';
  const [dir, name] = path.split('/');
  switch (dir) {
    case LAYOUT.policies:
      if (name.endsWith('.meta.yaml')) return 'policy-meta';
      if (name.endsWith('.json')) return 'policy';
      return { unexpected: 'expected <Name>.json for a policy, or <Name>.meta.yaml for its description' };
    case LAYOUT.permissionSets:
      if (/\.ya?ml$/.test(name)) return 'permission-set';
      return { unexpected: 'expected <Name>.yaml for a permission set' };
    case LAYOUT.assignments:
      if (/\.ya?ml$/.test(name)) return 'assignment';
      return { unexpected: 'expected a .yaml assignment file' };
    default:
      return { unexpected: 'not a Prism user folder' };
  }
}

/** Decodes and parses raw entries into a `LoadedRepo`. Pure: the same entries give the same result. */
export function parseRepo(entries: readonly RawEntry[]): LoadedRepo {
  const repo: {
    settings?: ParsedFile;
    policies: ParsedFile[];
    policyMeta: ParsedFile[];
    permissionSets: ParsedFile[];
    assignments: ParsedFile[];
    diagnostics: Diagnostic[];
  } = { policies: [], policyMeta: [], permissionSets: [], assignments: [], diagnostics: [] };

  for (const entry of entries) {
    if ('problem' in entry) {
      repo.diagnostics.push({ ...entry.problem, severity: 'error', location: { file: entry.path, line: 1, column: 1 } });
      continue;
    }
    const kind = classifyPath(entry.path);
    if (typeof kind !== 'string') {
      repo.diagnostics.push({
        code: 'file/unexpected',
        severity: 'error',
        message: `${entry.path} is not a file Prism reads; ${kind.unexpected}`,
        location: { file: entry.path, line: 1, column: 1 },
        hint: 'A misnamed file would be ignored silently, so it is an error. Rename it, or move it out of the folder.',
      });
      continue;
    }
    const decoded = decodeUserFile(entry.path, entry.bytes);
    if ('diagnostic' in decoded) {
      repo.diagnostics.push(decoded.diagnostic);
      continue;
    }
    const parsed =
      kind === 'policy' || kind === 'settings'
        ? parseJsonFile(entry.path, kind, decoded.text)
        : parseYamlFile(entry.path, kind, decoded.text);
    repo.diagnostics.push(...parsed.diagnostics);
    if (!parsed.file) continue;
    switch (kind) {
      case 'settings':
        repo.settings = parsed.file;
        break;
      case 'policy':
        repo.policies.push(parsed.file);
        break;
      case 'policy-meta':
        repo.policyMeta.push(parsed.file);
        break;
      case 'permission-set':
        repo.permissionSets.push(parsed.file);
        break;
      case 'assignment':
        repo.assignments.push(parsed.file);
        break;
    }
  }
  return repo;
}
