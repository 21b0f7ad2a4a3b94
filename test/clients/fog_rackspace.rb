# Drives the emulator with the real fog Rackspace client (Debian ruby-fog-rackspace).
# Env: EMU_URL (e.g. http://127.0.0.1:4567), EMU_USER, EMU_APIKEY.
# Prints ONE line of JSON with what fog observed; exits non-zero on any failure.
require 'json'
require 'fog/core'
Fog::Logger[:deprecation] = nil # silence fog's provider-constant deprecation noise on stderr
require 'fog/rackspace'

def check(cond, msg)
  raise msg unless cond
end

begin
  url, user, key = ENV.values_at('EMU_URL', 'EMU_USER', 'EMU_APIKEY')
  check(url && user && key, 'EMU_URL, EMU_USER and EMU_APIKEY must be set')

  # Authenticates via POST #{url}/v2.0/tokens and picks the "cloudMonitoring" publicURL.
  maas = Fog::Rackspace::Monitoring.new(rackspace_username: user, rackspace_api_key: key,
                                        rackspace_auth_url: "#{url.chomp('/')}/v2.0")
  tokens = maas.agent_tokens

  labels = %w[fog-a fog-b fog-c]
  created = labels.map { |l| tokens.create(label: l) } # save() reads the X-Object-ID header
  ids = created.map(&:id)
  check(ids.all? { |i| i.to_s =~ /\A\h{64}\.\S+\z/ }, "unexpected ids from create: #{ids.inspect}")

  # Page through with limit=2, following metadata.next_marker (exposed as collection#marker).
  pages = []
  marker = nil
  loop do
    page = tokens.all({ limit: 2, marker: marker }.compact) # never send a bare "?marker"
    pages << { size: page.size, ids: page.map(&:id), next_marker: page.marker }
    marker = page.marker
    break if marker.nil? || pages.size >= 50
  end
  listed = pages.flat_map { |p| p[:ids] }
  check(pages.first[:size] == 2, "first page should hold 2 tokens, got #{pages.first[:size]}")
  check(!pages.first[:next_marker].nil?, 'first page should carry a next_marker')
  check(marker.nil?, 'paging never ended (next_marker still set after 50 pages)')
  check(listed.uniq.size == listed.size, "pages overlap: #{listed.inspect}")
  check((ids - listed).empty?, "created ids missing from listing: #{(ids - listed).inspect}")

  got = tokens.get(ids[0])
  check(got && got.id == ids[0] && got.label == labels[0], "get returned #{got.inspect}")
  check(!got.token.to_s.empty?, 'fetched token has no token value')

  deleted = tokens.get(ids[1]).destroy # DELETE agent_tokens/{id}, fog expects 204
  after_delete = tokens.get(ids[1])   # fog maps 404 to nil
  check(after_delete.nil?, "get after delete returned #{after_delete.inspect}")

  puts JSON.generate(
    ok: true,
    endpoint: maas.endpoint_uri.to_s,
    created: created.map { |t| { id: t.id, label: t.label } },
    pages: pages,
    page_sizes: pages.map { |p| p[:size] },
    next_markers: pages.map { |p| p[:next_marker] },
    fetched: { id: got.id, label: got.label, token: got.token },
    delete_status: deleted.status,
    get_after_delete: after_delete
  )
rescue StandardError, ScriptError => e
  warn "fog_rackspace.rb FAILED: #{e.class}: #{e.message}"
  exit 1
end
