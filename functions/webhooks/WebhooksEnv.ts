/** The webhooks Worker's bindings, as `wrangler types` generated them. */
export type WebhooksEnv = Cloudflare.WebhooksEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string };
