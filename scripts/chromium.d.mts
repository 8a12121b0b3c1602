/** The path of an installed Chromium or Chrome, or null. */
export function findChromium(): string | null;
