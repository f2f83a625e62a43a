/** Wording shared by every layer's messages: counted nouns. */

/** (1, 'object') → "1 object"; (1500, 'path') → "1,500 paths". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
