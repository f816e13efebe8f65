/** Ends the CLI with a child process's exit code (nothing printed): `main.ts` returns `code`. */
export class ChildExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.name = "ChildExit";
    this.code = code;
  }
}
