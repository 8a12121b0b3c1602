export interface DeployWorker {
  env: string;
  script: string;
  crons: string[];
  secrets: string[];
  kv: string[];
  d1: string[];
  /** No public URL: reached only through service bindings. */
  private: boolean;
}
export interface Project {
  toml: { name: string; env: Record<string, { vars?: Record<string, string> } & Record<string, unknown>> } & Record<
    string,
    unknown
  >;
  prefix: string;
  workers: DeployWorker[];
  kv: { binding: string; title: string }[];
  d1: string[];
  migrationsDir: string;
}
export const NEVER_DEPLOYED: Set<string>;
export const DEPLOY_DIR: string;
export const LOOPBACK: RegExp;
export function readProject(configPath?: string): Project;
export function origins(project: Project, where: { subdomain?: string; domain?: string }): Record<string, string>;
export function productionVars(
  urls: Record<string, string>,
  options: { allowedKickUsers?: string },
): Record<string, string>;
export function deployConfig(
  project: Project,
  input: {
    kvIds: Record<string, string>;
    d1Ids: Record<string, string>;
    urls: Record<string, string>;
    domain?: string;
    options: { allowedKickUsers?: string };
  },
): {
  env: Record<string, { vars?: Record<string, string>; routes?: unknown[]; workers_dev?: boolean; main: string }>;
} & Record<string, unknown>;
export class UnsafeConfigError extends Error {}
