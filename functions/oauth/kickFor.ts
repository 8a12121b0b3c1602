import { kickConfigFromEnv, type KickConfig } from "../../shared/kick/index";
import type { OAuthEnv } from "./OAuthEnv";

/** The Kick client settings for this Worker (Kick itself, or the emulator in dev and tests). */
export const kickFor = (env: OAuthEnv): KickConfig => kickConfigFromEnv(env);

/** The connect form redirects to Kick's consent page; the CSP must allow that target. */
export const kickFormTargets = (env: OAuthEnv) => [new URL(kickFor(env).idBase).origin];
