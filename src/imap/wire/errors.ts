// Syntax errors of the command grammar: the session answers them with a tagged BAD
// (DESIGN.md "One closed error hierarchy"). `tag` is null when even the tag could not be read.
export class ParseError extends Error {
  constructor(
    message: string,
    readonly tag: string | null,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}
