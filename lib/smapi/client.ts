import { CustomSmapiClientBuilder } from "ask-smapi-sdk";
import type { runtime, services } from "ask-smapi-model";
import type { AskCredentials, SmapiEndpoints } from "../credentials";
import { ResilientApiClient } from "./api-client";

export type SmapiClient = services.skillManagement.SkillManagementServiceClient;

export interface SmapiClientOptions {
  credentials: AskCredentials;
  endpoints: SmapiEndpoints;
  apiClient?: runtime.ApiClient;
}

/** The real ask-smapi-sdk client, on our resilient HTTP layer. */
export function createSmapiClient(options: SmapiClientOptions): SmapiClient {
  const { credentials, endpoints } = options;
  const builder = new CustomSmapiClientBuilder()
    .withApiEndpoint(endpoints.apiEndpoint)
    .withAuthEndpoint(endpoints.authEndpoint)
    .withApiClient(options.apiClient ?? new ResilientApiClient())
    .withCustomUserAgent("alexa-skill-pipeline");
  if (credentials.kind === "refresh-token") {
    builder.withRefreshTokenConfig({
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      refreshToken: credentials.refreshToken,
    });
  } else {
    // An access token alone needs no client; the SDK uses it as it is until it expires.
    builder.withAccessTokenConfig({ clientId: "", clientSecret: "", accessToken: credentials.accessToken });
  }
  return builder.client();
}
