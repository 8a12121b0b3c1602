export function plain(line: string): string;
export function isError(line: string): boolean;
export function failureReport(lines: string[], options?: { detail?: number; tail?: number }): string[];
export const NOTES: Record<string, string>;
export function summary(s: {
  workers: { name: string; url: string }[];
  kickConfigured: boolean;
  passphrase: { generated: string } | { chosenIn: string; tooShort: boolean } | null;
  crons: { worker: string; expression: string }[];
  skippedCrons?: string[];
  state: string;
  log: string;
  seconds?: number;
}): string;
