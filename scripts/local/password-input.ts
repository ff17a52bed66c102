/**
 * Reads a password (or another secret, such as a TOTP secret) for a command-line tool: from a prompt that echoes
 * nothing when stdin is a terminal (asked twice, and the two must match, unless `again` is false), else the first line
 * of stdin, so that it can be piped in. Never from the arguments.
 */
export async function readPassword(prompt: string, options: { again?: boolean; what?: string } = {}): Promise<string> {
  if (!process.stdin.isTTY) return firstLine(await readAll(process.stdin), options.what ?? 'password');
  const password = await promptHidden(prompt);
  if (options.again !== false && (await promptHidden('Again: ')) !== password) throw new Error('the two entries differ.');
  return password;
}

/** Everything a stream holds until it ends. */
async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The text before the first line break; an empty first line is none. */
function firstLine(text: string, what: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  if (line === '') throw new Error(`no ${what} on stdin: pipe it in as the first line, or run in a terminal to be asked.`);
  return line;
}

/** Asks on stderr and reads one line from the terminal in raw mode, echoing nothing; Ctrl-C cancels. */
function promptHidden(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(() => resolve(value));
        if (char === '\u0003' || char === '\u0004') return finish(() => reject(new Error('cancelled.')));
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}
