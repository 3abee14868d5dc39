/** Where each kind of user file lives, relative to the repository root. This layout is a contract with users. */
export const LAYOUT = {
  policies: 'policies',
  permissionSets: 'permission-sets',
  assignments: 'assignments',
  settings: 'cdktf.json',
} as const;

/** The folders Prism reads user files from, one level deep. */
export const USER_DIRS: readonly string[] = [LAYOUT.policies, LAYOUT.permissionSets, LAYOUT.assignments];

/** Files that may sit in a user folder without being user files. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || /^readme(\.md)?$/i.test(name);
}
