export interface CommandGroup {
  /** First word on the command line, e.g. `lessons`. */
  name: string;
  /** One line shown in `kubelab --help`. */
  summary: string;
  /**
   * Runs the group with the remaining arguments. Returns the process exit code.
   * Long-running commands (e.g. `cluster up`) return a promise that settles when they stop.
   */
  run(args: string[]): Promise<number>;
}
