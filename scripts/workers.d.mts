export const PORTS: Record<string, number>;
export const WRANGLER: string;
export const QUIET_ENV: NodeJS.ProcessEnv;
export function workers(configPath?: string): { name: string; main: string; port: number; usesD1: boolean }[];
export function devVars(path?: string): Record<string, string>;
