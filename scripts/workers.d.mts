export const PORTS: Record<string, number>;
export const WRANGLER: string;
export const QUIET_ENV: NodeJS.ProcessEnv;
export interface Worker {
  name: string;
  main: string;
  port: number;
  usesD1: boolean;
  migrationsDir: string;
  vars: string[];
  secrets: string[];
  crons: string[];
}
export function workers(configPath?: string): Worker[];
export function devVars(path?: string): Record<string, string>;
export function devCommand(
  w: Pick<Worker, "name" | "port" | "vars" | "secrets">,
  provided: Record<string, string>,
  state: string,
  devVarsFile?: string | null,
): { args: string[]; env: NodeJS.ProcessEnv };
