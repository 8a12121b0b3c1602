/** The oauth Worker's bindings, as `wrangler types` generated them. */
export type OAuthEnv = Cloudflare.OauthEnv & { TOKEN_ENCRYPTION_KEYS_OLD?: string };
