# Key rotation with the real fog Rackspace client (Debian ruby-fog-rackspace) against the emulator.
# fog's own identity requests: create_token (login), get_user_by_name, list_credentials; the reset and the revoke,
# which fog has no method for, go through fog's authenticated `request` on the same identity service.
# Env: EMU_URL, EMU_USER, EMU_APIKEY. Prints ONE line of JSON with what fog observed; exits non-zero on failure.
require 'json'
require 'fog/core'
Fog::Logger[:deprecation] = nil
require 'fog/rackspace'

def check(cond, msg)
  raise msg unless cond
end

begin
  url, user, key = ENV.values_at('EMU_URL', 'EMU_USER', 'EMU_APIKEY')
  check(url && user && key, 'EMU_URL, EMU_USER and EMU_APIKEY must be set')
  auth_url = "#{url.chomp('/')}/v2.0"
  connect = ->(api_key) { Fog::Rackspace::Identity.new(rackspace_username: user, rackspace_api_key: api_key, rackspace_auth_url: auth_url) }

  identity = connect.call(key)
  maas = Fog::Rackspace::Monitoring.new(rackspace_username: user, rackspace_api_key: key, rackspace_auth_url: auth_url)
  before = maas.agent_tokens.all.size

  user_id = identity.get_user_by_name(user).body['user']['id']
  listed = identity.list_credentials(user_id).body['credentials'].map { |c| c['RAX-KSKEY:apiKeyCredentials'] }
  check(listed.map { |c| c['apiKey'] } == [key], "list_credentials: #{listed.inspect}")

  reset = identity.request(method: 'POST', expects: 200,
                           path: "users/#{user_id}/OS-KSADM/credentials/RAX-KSKEY:apiKeyCredentials/RAX-AUTH/reset")
  new_key = reset.body['RAX-KSKEY:apiKeyCredentials']['apiKey']

  old_key_error = begin
    connect.call(key)
    nil
  rescue Excon::Error::HTTPStatus => e
    e.response.status
  end
  new_identity = connect.call(new_key)
  after_listed = new_identity.list_credentials(user_id).body['credentials'].map { |c| c['RAX-KSKEY:apiKeyCredentials']['apiKey'] }

  # The Monitoring client logged in before the reset: its token still works.
  still = maas.agent_tokens.all.size

  # The Monitoring client's token revokes itself (DELETE /v2.0/tokens); fog then retries once on 401 by logging in
  # again with the old key, which fails too.
  identity.request(method: 'DELETE', expects: 204, path: 'tokens', headers: { 'X-Auth-Token' => maas.send(:auth_token) })
  revoked_status = begin
    maas.agent_tokens.all
    nil
  rescue Fog::Rackspace::Errors::ServiceError => e
    e.status_code
  end

  puts JSON.generate(ok: true, user_id: user_id, new_key: new_key, old_key_login_status: old_key_error,
                     credentials_after_reset: after_listed, tokens_before: before, tokens_after_reset: still,
                     after_revoke_status: revoked_status)
rescue StandardError, ScriptError => e
  warn "fog_rackspace_identity.rb FAILED: #{e.class}: #{e.message}"
  exit 1
end
