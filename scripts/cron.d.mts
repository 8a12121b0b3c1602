export class CronError extends Error {}
export function parseCron(expression: string): { expression: string; matches(date: Date): boolean };
export function nextMinute(now: number): number;
