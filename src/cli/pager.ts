import { spawn } from 'node:child_process';

/**
 * Shows long text through the user's pager ($PAGER, else `less` with git's LESS=FRX: colours kept,
 * short text printed without a pager screen). Without a usable pager the text is printed as is.
 */
export async function page(
  text: string,
  write: (t: string) => void,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const pager = environment['PAGER']?.trim() || 'less';
  if (pager === 'cat') {
    write(text);
    return;
  }
  const env = { ...environment, LESS: environment['LESS'] ?? 'FRX' };
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(pager, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env });
    child.on('error', () => resolve(false));
    // 127: the shell found no such command.
    child.on('close', (code) => resolve(code !== 127));
    child.stdin.on('error', () => undefined); // the pager quit before reading everything
    child.stdin.end(text);
  });
  if (!ok) write(text);
}
