/** What a command may touch of its process: injected so tests run commands in-process. */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}
