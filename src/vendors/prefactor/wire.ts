/** Prefactor's wire shapes of a token, shared by the HTTP routes and the typed API (`emulator.prefactor`). */
import { availableActions, type ApiToken } from './model.js';

/** ApiToken_Summary [doc], with today's `agent_id` / `agent_deployment_id` [code]. */
export const summary = (t: ApiToken) => ({
  id: t.id,
  type: 'api_token',
  account_id: t.account_id,
  token_scope: t.token_scope,
  status: t.status,
  environment_id: t.environment_id,
  agent_id: t.agent_id,
  agent_deployment_id: t.agent_deployment_id,
  created_by_admin_user_id: t.created_by_admin_user_id,
  expires_at: t.expires_at,
  last_used_at: t.last_used_at,
  inserted_at: t.inserted_at,
  updated_at: t.updated_at,
});

/** ApiToken_Details = the summary plus `available_actions` [doc]. */
export const details = (t: ApiToken) => ({ ...summary(t), available_actions: availableActions(t.status) });
