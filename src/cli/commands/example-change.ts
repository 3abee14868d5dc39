/** The example change that `prism example` previews: the stages after synth, as far as they exist. */
export async function runExampleChange(_work: string, heading: (text: string) => void): Promise<number> {
  heading('3. prism preview');
  process.stdout.write('The propagation preview is not built yet (issue 5); validate and synth ran above.\n');
  return 0;
}
