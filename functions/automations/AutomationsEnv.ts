/** The automations Worker's bindings, as `wrangler types` generated them. */
export type AutomationsEnv = Cloudflare.AutomationsEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string };
