/** A word quoted for display only (the bot never runs a shell): what a person would type. */
function displayWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The command line as a person would type it, for previews and results. */
export function displayCommand(binPath: string, args: readonly string[]): string {
  return [binPath, ...args].map(displayWord).join(' ');
}

/** The last `n` non-empty lines of `text`, each cut to `width` characters. */
export function lastLines(text: string, n: number, width = 200): string[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.slice(-n).map((l) => (l.length > width ? `${l.slice(0, width)}…` : l));
}

/** Keeps the tail of a growing output without holding all of it. */
export class OutputTail {
  private text = '';
  constructor(private readonly keepChars = 8000) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.keepChars);
  }
  lines(n: number): string[] {
    return lastLines(this.text, n);
  }
}
